package dev.croupier.bench.jmh;

import dev.croupier.engine.redis.RedisClients;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import redis.clients.jedis.UnifiedJedis;

/**
 * What a job's record costs Redis per job, as today's hash against one string: the two
 * per-job steps that read and rewrite a record, a claim (read the job, write its lease) and an
 * ack (read the lease, write the status with a TTL), each run by one Lua call over
 * {@link #JOBS} records, so a call's fixed cost and the round trip are shared as in the engine's
 * batched scripts. The hash steps name the fields claimJobs and completeJobs name today. The
 * string comes in two forms: a packed string the steps only cut and glue (a lower bound: no
 * field is decoded), and a MessagePack map ({@code cmsgpack}, built into Redis's Lua) decoded and
 * encoded whole, as a layout storing the record as one string would have to. Average time per
 * job in microseconds. A yardstick for the record's layout, not a test of the engine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class RecordBenchmark {

  /** Records one call reads and rewrites. */
  static final int JOBS = 500;

  private static final String PAYLOAD = "{\"to\":\"+15550100\",\"body\":\"hello there\"}";

  /** Writes JOBS queued records of each kind under the prefix ARGV[1]. */
  private static final String SETUP = """
      local p = ARGV[1]
      for i = 1, tonumber(ARGV[2]) do
        redis.call('HSET', p .. 'h:' .. i, 'q', 't1:f', 'p', ARGV[3], 'ma', '3')
        redis.call('SET', p .. 's:' .. i, 't1:f|3|' .. ARGV[3])
        redis.call('SET', p .. 'm:' .. i, cmsgpack.pack({q = 't1:f', p = ARGV[3], ma = 3}))
      end
      return 1
      """;

  private static final String CLAIM_HASH = """
      local p = ARGV[1]
      for i = 1, tonumber(ARGV[2]) do
        local k = p .. 'h:' .. i
        local f = redis.call('HMGET', k, 'q', 'ks', 'a', 'p', 'ma', 'ea', 'h', 'ra', 'st')
        redis.call('HSET', k, 'a', 1, 'st', 'running', 'ld', 1796110708110, 'lt', 'DjhF7_T5Tr4GzwBY9EdcGQ',
          'lc', '', 'vt', 30000, 'ec', 1, 'ef', 0)
      end
      return 1
      """;

  private static final String CLAIM_STRING = """
      local p = ARGV[1]
      for i = 1, tonumber(ARGV[2]) do
        local k = p .. 's:' .. i
        local v = redis.call('GET', k)
        -- The queued part (what SETUP wrote) and a new lease: the same length every call.
        redis.call('SET', k, string.sub(v, 1, tonumber(ARGV[3])) .. '|1|r|1796110708110|DjhF7_T5Tr4GzwBY9EdcGQ||30000|1|0')
      end
      return 1
      """;

  /** The record as a MessagePack map: decoded and encoded whole, as a real layout would. */
  private static final String CLAIM_MSGPACK = """
      local p = ARGV[1]
      for i = 1, tonumber(ARGV[2]) do
        local k = p .. 'm:' .. i
        local r = cmsgpack.unpack(redis.call('GET', k))
        local q, ks, a, payload, ma = r.q, r.ks, r.a, r.p, r.ma
        r.a = 1; r.st = 'running'; r.ld = 1796110708110; r.lt = 'DjhF7_T5Tr4GzwBY9EdcGQ'; r.lc = ''
        r.vt = 30000; r.ec = 1; r.ef = 0
        redis.call('SET', k, cmsgpack.pack(r))
      end
      return 1
      """;

  private static final String ACK_HASH = """
      local p = ARGV[1]
      for i = 1, tonumber(ARGV[2]) do
        local k = p .. 'h:' .. i
        local f = redis.call('HMGET', k, 'st', 'lt', 'q', 'lc', 'w', 'ec', 'a', 'ef')
        redis.call('HSET', k, 'st', 'succeeded', 'fa', 1796110678110, 'p', '')
        redis.call('PEXPIRE', k, 86400000)
      end
      return 1
      """;

  private static final String ACK_STRING = """
      local p = ARGV[1]
      for i = 1, tonumber(ARGV[2]) do
        local k = p .. 's:' .. i
        local v = redis.call('GET', k)
        redis.call('SET', k, 't1:f|3|1|s|1796110678110', 'PX', 86400000)
      end
      return 1
      """;

  private static final String ACK_MSGPACK = """
      local p = ARGV[1]
      for i = 1, tonumber(ARGV[2]) do
        local k = p .. 'm:' .. i
        local r = cmsgpack.unpack(redis.call('GET', k))
        local st, lt, q, lc, w, ec, a, ef = r.st, r.lt, r.q, r.lc, r.w, r.ec, r.a, r.ef
        redis.call('SET', k, cmsgpack.pack({q = q, ma = r.ma, a = a, st = 'succeeded', fa = 1796110678110}),
          'PX', 86400000)
      end
      return 1
      """;

  /** A Redis, a namespace, the records and the loaded scripts. */
  @State(Scope.Benchmark)
  public static class Setting {
    BenchRedis redis;
    UnifiedJedis jedis;
    String prefix;
    List<String> args;
    String claimHash;
    String claimString;
    String ackHash;
    String ackString;
    String claimMsgpack;
    String ackMsgpack;

    @Setup(Level.Trial)
    public void setUp() {
      redis = new BenchRedis();
      jedis = RedisClients.pooled(redis.url(), 2);
      prefix = BenchRedis.namespace("records") + ":";
      args = List.of(prefix, Integer.toString(JOBS), Integer.toString(("t1:f|3|" + PAYLOAD).length()));
      jedis.eval(SETUP, List.of(), List.of(prefix, Integer.toString(JOBS), PAYLOAD));
      claimHash = jedis.scriptLoad(CLAIM_HASH);
      claimString = jedis.scriptLoad(CLAIM_STRING);
      ackHash = jedis.scriptLoad(ACK_HASH);
      ackString = jedis.scriptLoad(ACK_STRING);
      claimMsgpack = jedis.scriptLoad(CLAIM_MSGPACK);
      ackMsgpack = jedis.scriptLoad(ACK_MSGPACK);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      for (int i = 1; i <= JOBS; i++) {
        jedis.del(prefix + "h:" + i, prefix + "s:" + i, prefix + "m:" + i);
      }
      jedis.close();
      redis.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public Object claimHashRecord(Setting s) {
    return s.jedis.evalsha(s.claimHash, List.of(), s.args);
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public Object claimPackedString(Setting s) {
    return s.jedis.evalsha(s.claimString, List.of(), s.args);
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public Object ackHashRecord(Setting s) {
    return s.jedis.evalsha(s.ackHash, List.of(), s.args);
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public Object ackPackedString(Setting s) {
    return s.jedis.evalsha(s.ackString, List.of(), s.args);
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public Object claimMsgpackRecord(Setting s) {
    return s.jedis.evalsha(s.claimMsgpack, List.of(), s.args);
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public Object ackMsgpackRecord(Setting s) {
    return s.jedis.evalsha(s.ackMsgpack, List.of(), s.args);
  }
}
