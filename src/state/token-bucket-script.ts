/**
 * The token bucket of src/server/security/token-bucket.ts as one atomic Redis script, so N replicas share one
 * bucket per client. Time is Redis's own clock (TIME), so replicas with skewed clocks still agree.
 * KEYS[1]: the bucket hash. ARGV: ratePerMinute, burst. Returns 0 when a token was taken, else the ms to wait.
 */
export const TAKE_TOKEN_LUA = `
local rate = tonumber(ARGV[1]) / 60000
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return wait
`;
