-- Finish a batch of requests whose replies Redis already holds (see FINISH). KEYS:
-- requests stream, attempts hash, dead-letter stream, answered hash. ARGV: group, dead-letter
-- limit, dead-letter retention ms, then six per request.
--! include finish.lib.lua
return finish(4, true)
