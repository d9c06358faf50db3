-- Untimed pre-fill for the dequeue run: ARGV[1] due members (scores ARGV[2]+i), Sidekiq-like JSON members.
-- KEYS[1] = the sorted set, ARGV[3] = a tag that keeps members of different calls distinct.
local n = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
for i = 1, n do
  redis.call('ZADD', KEYS[1], base + i,
    '{"jid":"' .. ARGV[3] .. '-' .. i .. '","class":"PublishPost","args":["post-' .. i .. '",["x","linkedin"]]}')
end
return redis.call('ZCARD', KEYS[1])
