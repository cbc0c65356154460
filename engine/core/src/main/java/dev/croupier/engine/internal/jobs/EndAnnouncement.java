package dev.croupier.engine.internal.jobs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A message on a shard's {@code done} channel, as the scripts publish it
 * ({@code lua/includes/finish.lua}, {@code announce}): a JSON array of the watched jobs that
 * ended in one script call, each an array of its id and then its record's fields and values as it
 * ended (without payload or lease token). A watcher builds each job's {@code JobInfo} from it, as
 * a lookup would from the record, without reading Redis.
 *
 * <p>Engines before this format published one bare job id per message; {@link #parse} answers
 * such a message (anything that does not start with {@code [}) as one end without fields, which
 * the watcher looks up.
 */
record EndAnnouncement(String jobId, Map<String, String> fields) {

  private static final JsonFactory JSON = new JsonFactory();

  /** Whether this end came with the job's record (else: look the job up). */
  boolean hasRecord() {
    return fields != null;
  }

  /**
   * The ends a message announces, in order.
   *
   * @throws IllegalArgumentException when the message is neither an id nor the format above
   */
  static List<EndAnnouncement> parse(String message) {
    if (!message.startsWith("[")) {
      return List.of(new EndAnnouncement(message, null));
    }
    try (JsonParser p = JSON.createParser(message)) {
      expect(p.nextToken(), JsonToken.START_ARRAY, message);
      List<EndAnnouncement> out = new ArrayList<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        expect(t, JsonToken.START_ARRAY, message);
        expect(p.nextToken(), JsonToken.VALUE_STRING, message);
        String id = p.getText();
        Map<String, String> fields = new HashMap<>();
        for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          expect(t, JsonToken.VALUE_STRING, message);
          String field = p.getText();
          expect(p.nextToken(), JsonToken.VALUE_STRING, message);
          fields.put(field, p.getText());
        }
        out.add(new EndAnnouncement(id, fields));
      }
      if (p.nextToken() != null) {
        throw malformed(message);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException("a malformed end announcement: " + abbreviate(message), e);
    }
  }

  private static void expect(JsonToken actual, JsonToken wanted, String message) {
    if (actual != wanted) {
      throw malformed(message);
    }
  }

  private static IllegalArgumentException malformed(String message) {
    return new IllegalArgumentException("a malformed end announcement: " + abbreviate(message));
  }

  private static String abbreviate(String message) {
    return message.length() <= 200 ? message : message.substring(0, 200) + "...";
  }
}
