-- Atomic pop of the earliest due member of a delayed-queue sorted set (the BullMQ / Sidekiq pattern).
-- KEYS[1] = the sorted set, ARGV[1] = now (score upper bound). Returns the member, or false when nothing is due.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if due[1] then
  redis.call('ZREM', KEYS[1], due[1])
  return due[1]
end
return false
