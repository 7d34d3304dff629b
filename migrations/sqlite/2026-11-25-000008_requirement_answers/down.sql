DROP TABLE requirement_answers;
