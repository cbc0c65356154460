package dev.croupier.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Pong;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays one scripted session (conformance/sessions, format in conformance/README.md) against a
 * node through the Java protocol classes: frames are built from their proto3 JSON, written as
 * length-delimited Envelopes, and what comes back is matched against the expected JSON.
 */
final class SessionRunner {

  private static final int DEFAULT_TIMEOUT_MS = 10_000;
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

  private final String host;
  private final int port;
  private final Map<String, JsonNode> vars = new HashMap<>();
  private final Map<String, Peer> peers = new HashMap<>();

  SessionRunner(String host, int port) {
    this.host = host;
    this.port = port;
    vars.put("run", TextNode.valueOf(UUID.randomUUID().toString().replace("-", "").substring(0, 8)));
  }

  void run(JsonNode session) throws IOException {
    try {
      int i = 0;
      for (JsonNode raw : session.get("steps")) {
        i++;
        ObjectNode step = raw.deepCopy();
        JsonNode capture = step.remove("capture");
        step = (ObjectNode) substitute(step);
        try {
          step(step, capture);
        } catch (AssertionError | SocketTimeoutException e) {
          throw new AssertionError("step " + i + " " + abbreviate(raw) + ": " + e.getMessage(), e);
        }
      }
    } finally {
      for (Peer p : peers.values()) {
        p.socket.close();
      }
    }
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private void step(ObjectNode step, JsonNode capture) throws IOException {
    if (step.has("open")) {
      peers.put(step.get("open").asText(), new Peer(step.get("open").asText()));
    } else if (step.has("connect")) {
      Peer p = new Peer(step.get("connect").asText());
      peers.put(p.name, p);
      ObjectNode hello = JsonNodeFactory.instance.objectNode();
      hello.put("correlationId", "1").putObject("hello").put("protocolVersion", 1)
          .put("token", step.path("token").asText(""))
          .put("clientName", "conformance-java")
          .put("role", step.path("role").asText("ROLE_UNSPECIFIED"));
      p.send(Frames.parseJson(hello.toString()));
      ObjectNode welcome = JsonNodeFactory.instance.objectNode();
      welcome.put("correlationId", "1").putObject("welcome").put("protocolVersion", 1);
      expect(p, welcome, DEFAULT_TIMEOUT_MS, null);
    } else if (step.has("send")) {
      peer(step.get("send")).send(Frames.parseJson(step.get("envelope").toString()));
    } else if (step.has("sendRaw")) {
      Peer p = peer(step.get("sendRaw"));
      p.out.write(Frames.unhex(step.get("hex").asText()));
      p.out.flush();
    } else if (step.has("expect")) {
      expect(peer(step.get("expect")), step.get("envelope"),
          step.path("timeoutMs").asInt(DEFAULT_TIMEOUT_MS), capture);
    } else if (step.has("expectClosed")) {
      Peer p = peer(step.get("expectClosed"));
      if (!p.buffered.isEmpty()) {
        throw new AssertionError("frames left unread before the close: " + json(p.buffered));
      }
      Envelope e;
      try {
        e = p.read(System.nanoTime() + step.path("timeoutMs").asLong(DEFAULT_TIMEOUT_MS) * 1_000_000, false);
      } catch (SocketTimeoutException t) {
        throw new AssertionError("the node did not close the connection");
      }
      if (e != null) {
        throw new AssertionError("expected the connection to close, got " + Frames.toJson(e));
      }
    } else if (step.has("sleep")) {
      try {
        Thread.sleep(step.get("sleep").asLong());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    } else {
      throw new AssertionError("unknown step " + step);
    }
  }

  private Peer peer(JsonNode name) {
    Peer p = peers.get(name.asText());
    if (p == null) {
      throw new AssertionError("no connection named " + name + " was opened");
    }
    return p;
  }

  private void expect(Peer p, JsonNode expected, long timeoutMs, JsonNode capture) throws IOException {
    boolean wantsPing = expected.has("ping");
    for (Iterator<Envelope> it = p.buffered.iterator(); it.hasNext(); ) {
      Envelope e = it.next();
      JsonNode actual = tree(e);
      if (matches(expected, actual)) {
        it.remove();
        capture(actual, capture);
        return;
      }
    }
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (true) {
      Envelope e;
      try {
        e = p.read(deadline, wantsPing);
      } catch (SocketTimeoutException t) {
        throw new AssertionError("no frame matching " + expected + " on " + p.name + " within "
            + timeoutMs + " ms; unmatched: " + json(p.buffered));
      }
      if (e == null) {
        throw new AssertionError(p.name + " closed while waiting for " + expected + "; unmatched: "
            + json(p.buffered));
      }
      JsonNode actual = tree(e);
      if (matches(expected, actual)) {
        capture(actual, capture);
        return;
      }
      p.buffered.add(e);
    }
  }

  private void capture(JsonNode actual, JsonNode capture) {
    if (capture == null) {
      return;
    }
    capture.fields().forEachRemaining(f -> {
      JsonNode cur = actual;
      for (String part : f.getValue().asText().split("\\.")) {
        if (cur.isArray()) {
          cur = cur.path(Integer.parseInt(part));
          if (cur.isMissingNode()) {
            throw new AssertionError("the frame has no " + f.getValue().asText() + ": " + actual);
          }
        } else {
          // A field at its default is absent from proto3 JSON: it captures as null.
          cur = cur.isObject() && cur.has(part) ? cur.get(part) : NullNode.getInstance();
        }
      }
      vars.put(f.getKey(), cur);
    });
  }

  // ---- matching (the rules are conformance/README.md's) ----

  static boolean matches(JsonNode expected, JsonNode actual) {
    if (expected.isObject() && expected.has("$oneOf")) {
      for (JsonNode alt : expected.get("$oneOf")) {
        if (matches(alt, actual)) {
          return true;
        }
      }
      return false;
    }
    if (expected.isTextual() && expected.asText().equals("*")) {
      return !isDefault(actual);
    }
    boolean missing = actual == null || actual.isMissingNode() || actual.isNull();
    if (expected.isObject()) {
      if (!missing && !actual.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!matches(f.getValue(), missing ? null : actual.get(f.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (expected.isArray()) {
      if (missing) {
        return expected.isEmpty();
      }
      if (!actual.isArray() || actual.size() != expected.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!matches(expected.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (missing) {
      return isDefault(expected);
    }
    if (expected.isBoolean() || actual.isBoolean()) {
      return expected.equals(actual);
    }
    if (expected.isNumber() || actual.isNumber()) {
      return expected.asText().equals(actual.asText())
          || (expected.isNumber() && actual.isNumber() && expected.decimalValue().compareTo(actual.decimalValue()) == 0);
    }
    return expected.asText().equals(actual.asText());
  }

  private static boolean isDefault(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return true;
    }
    if (n.isBoolean()) {
      return !n.asBoolean();
    }
    if (n.isNumber()) {
      return n.asDouble() == 0;
    }
    if (n.isTextual()) {
      return n.asText().isEmpty() || n.asText().equals("0");
    }
    return n.isEmpty();
  }

  // ---- variables ----

  private JsonNode substitute(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      // Keys too: map fields (Credits.grants) are keyed by names that may hold variables.
      n.fields().forEachRemaining(f -> o.set(substitute(TextNode.valueOf(f.getKey())).asText(),
          substitute(f.getValue())));
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      n.forEach(x -> a.add(substitute(x)));
      return a;
    }
    if (n.isTextual()) {
      String s = n.asText();
      Matcher whole = VAR.matcher(s);
      if (whole.matches()) {
        return var(whole.group(1));
      }
      Matcher m = VAR.matcher(s);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(var(m.group(1)).asText()));
      }
      m.appendTail(out);
      return TextNode.valueOf(out.toString());
    }
    return n;
  }

  private JsonNode var(String name) {
    JsonNode v = vars.get(name);
    if (!vars.containsKey(name)) {
      throw new AssertionError("${" + name + "} was never captured");
    }
    return v;
  }

  private static JsonNode tree(Envelope e) {
    try {
      return Suite.JSON.readTree(Frames.toJson(e));
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String json(List<Envelope> frames) {
    return frames.stream().map(Frames::toJson).toList().toString();
  }

  /** One connection of the session. */
  private final class Peer {
    final String name;
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    final List<Envelope> buffered = new ArrayList<>();

    Peer(String name) throws IOException {
      this.name = name;
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 10_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void send(Envelope e) throws IOException {
      out.write(Frames.frame(e));
      out.flush();
    }

    /** The next frame, pings answered and skipped unless {@code keepPings}; null once closed. */
    Envelope read(long deadlineNanos, boolean keepPings) throws IOException {
      while (true) {
        long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) {
          throw new SocketTimeoutException("timed out");
        }
        socket.setSoTimeout((int) leftMs);
        Envelope e;
        try {
          e = Envelope.parseDelimitedFrom(in);
        } catch (SocketTimeoutException t) {
          throw t;
        } catch (SocketException | EOFException closed) {
          return null; // reset by the node: closed as well
        }
        if (e == null) {
          return null;
        }
        if (e.hasPing() && !keepPings) {
          send(Envelope.newBuilder().setCorrelationId(e.getCorrelationId())
              .setPong(Pong.newBuilder().setData(e.getPing().getData())).build());
          continue;
        }
        return e;
      }
    }
  }
}
