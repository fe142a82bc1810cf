-- Step 4 (repeated until nothing changes): entities sharing a trusted ID key take the lowest component
-- label; strong links union freely. The rounds work on the narrow mt.w_idc (entities holding a key,
-- after the first round done in step 3) and only on keys whose holders still disagree: no other key can
-- offer anyone a lower label. 04_id_components_done copies the labels into mt.w_ent once.
WITH k AS (
    SELECT i.khoa_id, min(c.comp) AS c
    FROM mt.w_idkey i JOIN mt.w_idc c USING (ent_id)
    GROUP BY i.khoa_id
    HAVING min(c.comp) <> max(c.comp)
),
m AS (
    SELECT i.ent_id, min(k.c) AS c
    FROM k JOIN mt.w_idkey i USING (khoa_id)
    GROUP BY i.ent_id
)
UPDATE mt.w_idc e SET comp = m.c
FROM m WHERE m.ent_id = e.ent_id AND m.c < e.comp;
