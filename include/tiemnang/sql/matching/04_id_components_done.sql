-- Step 4, last: the ID components found on mt.w_idc become the entities' component labels.
UPDATE mt.w_ent e SET comp = c.comp
FROM mt.w_idc c
WHERE c.ent_id = e.ent_id AND c.comp <> e.comp;
ANALYZE mt.w_ent;
