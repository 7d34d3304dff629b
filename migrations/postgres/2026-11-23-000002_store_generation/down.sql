DROP TABLE store_generation;
