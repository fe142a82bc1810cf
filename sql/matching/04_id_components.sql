-- Step 4 (repeated until nothing changes): entities sharing a trusted ID key take the lowest component
-- label; strong links union freely.
WITH k AS (
    SELECT i.kieu, i.gia_tri, min(e.comp) AS c
    FROM mt.w_idkey i JOIN mt.w_ent e USING (ent_id)
    GROUP BY i.kieu, i.gia_tri
),
m AS (
    SELECT i.ent_id, min(k.c) AS c
    FROM mt.w_idkey i JOIN k USING (kieu, gia_tri)
    GROUP BY i.ent_id
)
UPDATE mt.w_ent e SET comp = m.c
FROM m WHERE m.ent_id = e.ent_id AND m.c < e.comp;
