// Whatever an earlier run wrote and this complete run did not is gone from the sources: remove it.
MATCH ()-[x]->()
WHERE x.run IS NOT NULL AND x.run <> $run
CALL (x) { DELETE x } IN TRANSACTIONS OF 10000 ROWS
