-- Test data for the round trip: every kind of object and column type the issue lists.
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE audit CHARACTER SET latin1;
USE shop;
CREATE TABLE customer (
  id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  note TEXT,
  created DATETIME(6) NOT NULL
) ENGINE=InnoDB;
CREATE TABLE orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  amount DECIMAL(14,4) NOT NULL,
  tax DECIMAL(14,4) AS (ROUND(amount * 0.2, 4)) STORED,
  label VARCHAR(40) AS (CONCAT('order-', customer_id)) VIRTUAL,
  attrs JSON,
  photo BLOB,
  CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE legacy (id INT PRIMARY KEY, t VARCHAR(50), stamp DATETIME(6)) ENGINE=MyISAM;
CREATE TABLE empty_one (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB AUTO_INCREMENT=777;
INSERT INTO customer (name, note, created) VALUES
  ('Zoë 😀 Ünïcode', 'emoji 🎉 and quotes \' " and backslash \\', '2024-02-29 23:59:59.123456'),
  ('Plain', NULL, '1999-12-31 00:00:00.000001'),
  ('中文 名字', 'line1\nline2\ttab', '2038-01-19 03:14:07.999999');
INSERT INTO orders (customer_id, amount, attrs, photo) VALUES
  (1, 12345678.1234, '{"tags": ["a", "ü", "😀"], "n": 1.5}', UNHEX('00FF10FE7F0D0A00')),
  (2, -0.0001, '[]', NULL),
  (3, 0, NULL, REPEAT(UNHEX('DEADBEEF'), 5000));
DELETE FROM orders WHERE id = 2;
ALTER TABLE customer AUTO_INCREMENT = 1000;
INSERT INTO legacy VALUES (1, 'myisam row', '2020-01-01 01:01:01.010101'), (2, NULL, NULL);
CREATE VIEW order_view AS SELECT o.id, c.name, o.amount, o.tax FROM orders o JOIN customer c ON c.id = o.customer_id;
CREATE VIEW order_total AS SELECT SUM(amount) AS total FROM order_view;
CREATE TRIGGER legacy_upper BEFORE INSERT ON legacy FOR EACH ROW SET NEW.t = UPPER(NEW.t);
DELIMITER //
CREATE TRIGGER customer_audit AFTER INSERT ON customer FOR EACH ROW
BEGIN
  INSERT INTO audit.log (what) VALUES (CONCAT('customer ', NEW.id));
  INSERT INTO audit.log (what) VALUES ('second statement; with semicolon');
END//
CREATE PROCEDURE add_order(IN cid INT, IN amt DECIMAL(14,4))
BEGIN
  -- a body over several lines, with ';' inside
  INSERT INTO orders (customer_id, amount) VALUES (cid, amt);
  SELECT LAST_INSERT_ID();
END//
CREATE FUNCTION with_tax(x DECIMAL(14,4)) RETURNS DECIMAL(14,4) DETERMINISTIC
BEGIN
  DECLARE r DECIMAL(14,4);
  SET r = x * 1.2;
  RETURN r;
END//
DELIMITER ;
CREATE EVENT cleanup ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM legacy WHERE id < 0;
USE audit;
CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(100)) ENGINE=InnoDB;
INSERT INTO log (what) VALUES ('first'), ('café');
