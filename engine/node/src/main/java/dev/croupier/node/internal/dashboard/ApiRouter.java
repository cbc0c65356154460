package dev.croupier.node.internal.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.croupier.api.CroupierException;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.engine.Engine;
import dev.croupier.engine.RedisUnavailableException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes {@code /api/...} to the handler of each resource and turns what they return into JSON,
 * and what they throw into a status with a message: bad input 400, unknown things 404, Redis
 * unreachable 503.
 */
final class ApiRouter {

  private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);

  private final ObjectMapper json;
  private final boolean tokensRequired;
  private final TenantsApi tenants;
  private final FunctionsApi functions;
  private final DeadLettersApi deadLetters;
  private final JobsApi jobs;

  ApiRouter(Engine engine, ObjectMapper json, boolean tokensRequired) {
    Objects.requireNonNull(engine, "engine");
    this.json = Objects.requireNonNull(json, "json");
    this.tokensRequired = tokensRequired;
    this.tenants = new TenantsApi(engine);
    this.functions = new FunctionsApi(engine);
    this.deadLetters = new DeadLettersApi(engine);
    this.jobs = new JobsApi(engine);
  }

  /** Answers an API request that passed the access checks; {@code rest} is the path after /api/. */
  AdminResponse handle(AdminRequest req, String rest) {
    try {
      Object result = route(req, split(rest));
      return AdminResponse.json(200, json.writeValueAsBytes(result));
    } catch (ApiException e) {
      return error(e.status(), e.getMessage());
    } catch (InvalidRequestException | IllegalArgumentException e) {
      return error(400, e.getMessage());
    } catch (RedisUnavailableException e) {
      return error(503, "Redis is unreachable: " + e.getMessage());
    } catch (CroupierException e) {
      log.warn("dashboard request {} {} failed", req.method(), req.path(), e);
      return error(500, e.getMessage());
    } catch (JsonProcessingException e) {
      log.error("dashboard answer to {} could not be written as JSON", req.path(), e);
      return error(500, "internal error writing the answer");
    } catch (RuntimeException e) {
      log.error("dashboard request {} {} failed unexpectedly", req.method(), req.path(), e);
      return error(500, "internal error: " + e);
    }
  }

  private Object route(AdminRequest req, List<String> s) {
    String area = s.isEmpty() ? "" : s.get(0);
    return switch (area) {
      case "whoami" -> only(req, "GET", s, 1, () -> Map.of("tokens", tokensRequired));
      case "tenants" -> tenants(req, s);
      case "functions" -> functions(req, s);
      case "dead-letters" -> deadLetters(req, s);
      case "jobs" -> jobs(req, s);
      default -> throw ApiException.notFound("no API resource /api/" + String.join("/", s)
          + "; see docs/operations.md (Dashboard)");
    };
  }

  private Object tenants(AdminRequest req, List<String> s) {
    if (s.size() == 1) {
      return only(req, "GET", s, 1, () -> tenants.page(req));
    }
    if (s.size() == 2) {
      return only(req, "GET", s, 2, () -> tenants.get(s.get(1)));
    }
    String t = s.size() > 1 ? s.get(1) : null;
    return switch (s.size() == 3 ? s.get(2) : "") {
      case "pause" -> only(req, "POST", s, 3, () -> tenants.setPaused(t, true));
      case "resume" -> only(req, "POST", s, 3, () -> tenants.setPaused(t, false));
      case "settings" -> only(req, "POST", s, 3, () -> tenants.configure(t, body(req)));
      default -> throw unknown(s);
    };
  }

  private Object functions(AdminRequest req, List<String> s) {
    if (s.size() == 1) {
      return only(req, "GET", s, 1, functions::list);
    }
    if (s.size() == 2) {
      return only(req, "GET", s, 2, () -> functions.get(s.get(1)));
    }
    String f = s.size() > 1 ? s.get(1) : null;
    return switch (s.size() == 3 ? s.get(2) : "") {
      case "pause" -> only(req, "POST", s, 3, () -> functions.setPaused(f, true));
      case "resume" -> only(req, "POST", s, 3, () -> functions.setPaused(f, false));
      default -> throw unknown(s);
    };
  }

  private Object deadLetters(AdminRequest req, List<String> s) {
    if (s.size() == 1) {
      return only(req, "GET", s, 1, () -> deadLetters.list(req));
    }
    if (s.size() == 2 && s.get(1).equals("replay-all")) {
      return only(req, "POST", s, 2, () -> deadLetters.replayAll(req));
    }
    if (s.size() == 2 && s.get(1).equals("purge")) {
      return only(req, "POST", s, 2, () -> deadLetters.purgeAll(req));
    }
    if (s.size() == 3 && s.get(2).equals("replay")) {
      return only(req, "POST", s, 3, () -> deadLetters.replay(s.get(1)));
    }
    if (s.size() == 3 && s.get(2).equals("purge")) {
      return only(req, "POST", s, 3, () -> deadLetters.purge(s.get(1)));
    }
    throw unknown(s);
  }

  private Object jobs(AdminRequest req, List<String> s) {
    if (s.size() == 2) {
      return only(req, "GET", s, 2, () -> jobs.get(s.get(1)));
    }
    if (s.size() == 3 && s.get(2).equals("cancel")) {
      return only(req, "POST", s, 3, () -> jobs.cancel(s.get(1)));
    }
    throw unknown(s);
  }

  /** Runs {@code action} when the method and the path's length are the route's. */
  private static Object only(AdminRequest req, String method, List<String> s, int size,
      Supplier<Object> action) {
    if (s.size() != size) {
      throw unknown(s);
    }
    if (!req.method().equals(method)) {
      throw new ApiException(405, "/api/" + String.join("/", s) + " takes " + method
          + (method.equals("POST") ? " (it changes something)" : ""));
    }
    return action.get();
  }

  private JsonNode body(AdminRequest req) {
    if (req.body().length == 0) {
      throw ApiException.badRequest("this request needs a JSON body");
    }
    try {
      return json.readTree(req.body());
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the body could not be read: " + e.getMessage());
    }
  }

  private static ApiException unknown(List<String> s) {
    return ApiException.notFound("no API resource /api/" + String.join("/", s));
  }

  private AdminResponse error(int status, String message) {
    try {
      return AdminResponse.json(status, json.writeValueAsBytes(Map.of("error",
          message == null ? "error" : message)));
    } catch (JsonProcessingException e) {
      return AdminResponse.text(status, message + "\n");
    }
  }

  private static List<String> split(String rest) {
    return Arrays.stream(rest.split("/")).filter(p -> !p.isEmpty()).toList();
  }
}
