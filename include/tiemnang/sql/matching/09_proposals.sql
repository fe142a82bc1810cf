-- Step 8b (repeated until nothing moves): weak links, the proposals (mt.w_prop). A cluster without a register person moves into the
-- one cluster its best link points to, if that cluster ranks higher (phase 1) or, in phase 2, ranks the
-- same and has a lower id. A move never joins two register persons, two different trusted IDs of a kind
-- (unless the moving cluster holds one ID, one keying slip from an ID the target holds: a wage earner's
-- months may carry the register's ID, a slip and a transposition of it), or two rows of one list. A cluster
-- that receives a move does not move in the same round; among conflicting moves into one cluster only
-- the best-scoring one is made. Equal links into one cluster are told apart by their records, lowest first.
DROP TABLE IF EXISTS mt.w_prop;
CREATE UNLOGGED TABLE mt.w_prop AS
SELECT DISTINCT ON (kx.cum) kx.cum AS x, ky.cum AS c, e.w, e.a, e.b
FROM mt.w_cedge e
JOIN mt.w_comp kx ON kx.comp = e.ca
JOIN mt.w_comp ky ON ky.comp = e.cb
JOIN mt.w_cluster cx ON cx.cum = kx.cum
JOIN mt.w_cluster cy ON cy.cum = ky.cum
WHERE kx.cum <> ky.cum
  AND NOT cx.co_dang_ky
  AND (cy.hang > cx.hang OR (%(phase)s = 2 AND cy.hang = cx.hang AND cy.cum < cx.cum))
  AND NOT (cx.tep && cy.tep)
  AND (cardinality(cx.ddcn) = 0 OR cardinality(cy.ddcn) = 0 OR cx.ddcn <@ cy.ddcn
       OR (cardinality(cx.ddcn) = 1 AND EXISTS (SELECT 1 FROM unnest(cy.ddcn) d WHERE mt.id_gan(cx.ddcn[1], d))))
  AND (cardinality(cx.bhxh) = 0 OR cardinality(cy.bhxh) = 0 OR cx.bhxh <@ cy.bhxh
       OR (cardinality(cx.bhxh) = 1 AND EXISTS (SELECT 1 FROM unnest(cy.bhxh) d WHERE mt.id_gan(cx.bhxh[1], d))))
ORDER BY kx.cum, e.w DESC, ky.cum, e.a, e.b;
CREATE INDEX ON mt.w_prop (c);
ANALYZE mt.w_prop;
