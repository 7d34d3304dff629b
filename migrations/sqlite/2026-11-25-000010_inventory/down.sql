DROP TABLE inventory_entries;
