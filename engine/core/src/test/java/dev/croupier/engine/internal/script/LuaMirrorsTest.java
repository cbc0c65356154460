package dev.croupier.engine.internal.script;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The includes that mirror a Java class agree with it: {@code keys.lua} builds every key name as
 * {@link KeySchema} does, {@code ids.lua} reads a job id's time as {@link JobIds} does, and
 * {@code codes.lua} holds the same codes as {@link ReplyCode}, and {@code finish.lua} keeps a
 * watched job's status record as long as {@link EngineOptions#WATCHED_STATUS_GRACE}.
 */
class LuaMirrorsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  /**
   * Calls Key[name](args...) for each (name, n, n args) group of ARGV; replies the results in
   * order, then the names of every function of the Key table.
   */
  private static final String KEYS_PROBE = """
      -- @include keys
      local results, i = {}, 1
      while i <= #ARGV do
        local name, n = ARGV[i], tonumber(ARGV[i + 1])
        local args = {}
        for j = 1, n do args[j] = ARGV[i + 1 + j] end
        results[#results + 1] = Key[name](unpack(args))
        i = i + 2 + n
      end
      local names = {}
      for name in pairs(Key) do names[#names + 1] = name end
      return {results, names}
      """;

  /** One call of a keys.lua function and what KeySchema builds for the same input. */
  private record Case(String function, List<String> args, String expected) {}

  private RedisClient redis;

  @BeforeEach
  void setUp() {
    redis = REDIS.client();
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  @Test
  void keysLua_buildsEveryKeyName_likeKeySchema_andHasNoFunctionLeftUnchecked() {
    KeySchema keys = new KeySchema("ns-1.x", 8);
    List<Case> cases = new ArrayList<>();
    TreeSet<String> covered = new TreeSet<>();
    for (int shard : new int[] {0, 7}) {
      String p = keys.prefix(shard);
      String tenant = "tenant_1.a-b";
      String jobId = new JobIds().next(shard, 1_700_000_000_000L);
      for (String keyValue : new String[] {null, "vendor-1", "x:{c:9} *"}) {
        String qid = keys.queueId(tenant, "send.sms", keyValue);
        cases.add(new Case("queue", List.of(p, qid), keys.queue(shard, qid)));
        cases.add(new Case("queueList", List.of(p, qid), keys.queueList(shard, qid)));
        cases.add(new Case("queueCancelled", List.of(p, qid), keys.queueCancelled(shard, qid)));
        cases.add(new Case("tenantOfQueue", List.of(qid), KeySchema.tenantOfQueue(qid)));
        cases.add(new Case("functionOfQueue", List.of(qid), KeySchema.functionOfQueue(qid)));
        if (keyValue != null) { // keys.lua answers nil for an unkeyed queue, as Java answers null
          cases.add(new Case("keyTokenOfQueue", List.of(qid), KeySchema.keyTokenOfQueue(qid)));
        }
      }
      cases.add(new Case("ready", List.of(p, "send.sms"), keys.ready(shard, "send.sms")));
      cases.add(new Case("tenantReady", List.of(p, tenant, "send.sms"), keys.tenantReady(shard, tenant, "send.sms")));
      cases.add(new Case("tenantFunctions", List.of(p, tenant), keys.tenantFunctions(shard, tenant)));
      cases.add(new Case("timer", List.of(p), keys.timer(shard)));
      cases.add(new Case("holds", List.of(p), keys.holds(shard)));
      cases.add(new Case("tenantTime", List.of(p, tenant), keys.tenantTime(shard, tenant)));
      cases.add(new Case("systemTime", List.of(p), keys.systemTime(shard)));
      cases.add(new Case("plans", List.of(p), keys.plans(shard)));
      cases.add(new Case("costs", List.of(p), keys.costs(shard)));
      cases.add(new Case("retryPolicies", List.of(p), keys.retryPolicies(shard)));
      cases.add(new Case("pausedFunctions", List.of(p), keys.pausedFunctions(shard)));
      cases.add(new Case("job", List.of(p, jobId), keys.job(shard, jobId)));
      cases.add(new Case("inflight", List.of(p), keys.inflight(shard)));
      cases.add(new Case("deadLetters", List.of(p, tenant), keys.deadLetters(shard, tenant)));
      cases.add(new Case("doneChannel", List.of(p), keys.doneChannel(shard)));
      cases.add(new Case("workChannel", List.of(p), keys.workChannel(shard)));
      cases.add(new Case("queuedCounts", List.of(p), keys.queuedCounts(shard)));
      cases.add(new Case("functionCounts", List.of(p), keys.functionCounts(shard)));
      cases.add(new Case("runningCounts", List.of(p), keys.runningCounts(shard)));
      cases.add(new Case("deadCounts", List.of(p), keys.deadCounts(shard)));
      cases.add(new Case("served", List.of(p, "178000123"), keys.served(shard, 178000123L)));
      for (String suffix : List.of(KeySchema.functionSlots("f"), KeySchema.tenantFunctionSlots(tenant, "f"),
          KeySchema.tenantSlots(tenant), KeySchema.keySlots("f", "acct", "a b"), KeySchema.NO_SLOTS)) {
        cases.add(new Case("slots", List.of(p, suffix), keys.slots(shard, suffix)));
        cases.add(new Case("waiting", List.of(p, suffix), keys.waiting(shard, suffix)));
      }
      cases.add(new Case("tenantSlots", List.of(tenant), KeySchema.tenantSlots(tenant)));
      cases.add(new Case("functionSlots", List.of("send.sms"), KeySchema.functionSlots("send.sms")));
      cases.add(new Case("tenantFunctionSlots", List.of(tenant, "send.sms"),
          KeySchema.tenantFunctionSlots(tenant, "send.sms")));
      cases.add(new Case("keySlotsByToken", List.of("send.sms", "acct", "#ab12"),
          KeySchema.keySlotsByToken("send.sms", "acct", "#ab12")));
    }
    List<String> argv = new ArrayList<>();
    for (Case c : cases) {
      argv.add(c.function);
      argv.add(Integer.toString(c.args.size()));
      argv.addAll(c.args);
      covered.add(c.function);
    }

    List<Object> reply = Replies.asList(eval(KEYS_PROBE, argv));
    List<Object> results = Replies.asList(reply.get(0));
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      assertThat(Replies.asString(results.get(i))).as("Key.%s%s", c.function, c.args).isEqualTo(c.expected);
    }
    TreeSet<String> luaFunctions = new TreeSet<>();
    Replies.asList(reply.get(1)).forEach(n -> luaFunctions.add(Replies.asString(n)));
    assertThat(luaFunctions).as("functions of keys.lua").isEqualTo(covered);
  }

  @Test
  void idsLua_readsEveryIdsTime_asJobIdsDoes() {
    JobIds ids = new JobIds();
    List<String> argv = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    // Times whose digits cover the whole alphabet, from the epoch to the largest 48-bit time.
    long[] times = {0L, 1L, 31L, 1_700_000_000_000L, 1_799_999_999_999L, (1L << 48) - 1};
    for (long t : times) {
      for (int shard : new int[] {0, 12345}) {
        String id = ids.next(shard, t);
        argv.add(id);
        expected.add(JobIds.timeOf(id));
        assertThat(JobIds.timeOf(id)).as("JobIds.timeOf(%s)", id).isEqualTo(t);
      }
    }
    for (long t = 0; t < 32; t++) { // each digit value in the last place
      String id = ids.next(0, 1_700_000_000_000L + t * 37);
      argv.add(id);
      expected.add(JobIds.timeOf(id));
    }
    List<Object> lua = Replies.asList(eval("""
        -- @include ids
        local out = {}
        for i, id in ipairs(ARGV) do out[i] = string.format('%.0f', jobTime(id)) end
        return out
        """, argv));
    assertThat(lua).extracting(v -> Long.parseLong(Replies.asString(v))).containsExactlyElementsOf(expected);
  }

  @Test
  void codesLua_holdsExactlyTheReplyCodes_ofReplyCode() {
    List<Object> pairs = Replies.asList(eval("""
        -- @include codes
        local out = {}
        for name, value in pairs(Code) do
          out[#out + 1] = name
          out[#out + 1] = value
        end
        return out
        """, List.of()));
    Map<String, Long> lua = new TreeMap<>();
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      lua.put(Replies.asString(pairs.get(i)), Replies.asLong(pairs.get(i + 1)));
    }
    Map<String, Long> java = new TreeMap<>();
    for (ReplyCode c : ReplyCode.values()) {
      java.put(c.name(), c.value());
      assertThat(ReplyCode.of(c.value())).isEqualTo(c);
    }
    assertThat(lua).isEqualTo(java);
    assertThat(java.values()).doesNotHaveDuplicates().filteredOn(v -> v != 1).allMatch(v -> v < 0);
  }

  @Test
  void finishLua_keepsAWatchedJobsRecord_asLongAsEngineOptionsSays() {
    Object kept = eval("""
        local rcall = redis.call
        -- @include finish
        return {statusKept(0, '1'), statusKept(0, false), statusKept(60000, false)}
        """, List.of());
    assertThat(Replies.asList(kept)).extracting(Replies::asLong)
        .containsExactly(EngineOptions.WATCHED_STATUS_GRACE.toMillis(), 0L, 60_000L);
  }

  private Object eval(String source, List<String> argv) {
    List<byte[]> args = new ArrayList<>(argv.size());
    argv.forEach(a -> args.add(a.getBytes(StandardCharsets.UTF_8)));
    return redis.eval(ScriptRegistry.withIncludes(source).getBytes(StandardCharsets.UTF_8), List.of(), args);
  }
}
