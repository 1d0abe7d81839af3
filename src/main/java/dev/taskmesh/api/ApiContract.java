package dev.taskmesh.api;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Builds the /api router from the OpenAPI document: every operation of the document gets exactly
 * one handler, and every handler an operation, or the build fails (so the contract and the code
 * cannot drift apart). The router validates each request against the document and authenticates
 * it per the operation's security (bearer JWT unless the operation says none).
 */
public final class ApiContract {

  public static final String DOCUMENT = "openapi.yaml";

  private ApiContract() {}

  /** The document as served ({@code yaml}, {@code json}) and as the router uses it ({@code contract}). */
  public record Loaded(OpenAPIContract contract, io.vertx.core.buffer.Buffer yaml, io.vertx.core.json.JsonObject json) {}

  /**
   * Loads the document. vertx-openapi 5.0 refuses response media types it cannot validate
   * ({@code application/problem+json}, {@code text/event-stream}); responses are not validated here,
   * so the router's copy declares them as JSON / plain text while clients get the document as written.
   */
  public static io.vertx.core.Future<Loaded> load(Vertx vertx) {
    return vertx.fileSystem().readFile(DOCUMENT).compose(yaml -> {
      io.vertx.core.json.JsonObject json = parseYaml(yaml.toString(java.nio.charset.StandardCharsets.UTF_8));
      return OpenAPIContract.from(vertx, routable(json.copy())).map(contract -> new Loaded(contract, yaml, json));
    });
  }

  static io.vertx.core.json.JsonObject parseYaml(String text) {
    org.yaml.snakeyaml.Yaml parser = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions()));
    Object tree = parser.load(text);
    return new io.vertx.core.json.JsonObject(io.vertx.core.json.Json.encode(tree));
  }

  static io.vertx.core.json.JsonObject routable(io.vertx.core.json.JsonObject document) {
    renameResponseTypes(document.getJsonObject("components", new io.vertx.core.json.JsonObject()).getJsonObject("responses"));
    io.vertx.core.json.JsonObject paths = document.getJsonObject("paths", new io.vertx.core.json.JsonObject());
    for (String path : paths.fieldNames()) {
      io.vertx.core.json.JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof io.vertx.core.json.JsonObject operation) {
          renameResponseTypes(operation.getJsonObject("responses"));
        }
      }
    }
    return document;
  }

  private static void renameResponseTypes(io.vertx.core.json.JsonObject responses) {
    if (responses == null) {
      return;
    }
    for (String code : responses.fieldNames()) {
      io.vertx.core.json.JsonObject response = responses.getJsonObject(code);
      io.vertx.core.json.JsonObject content = response == null ? null : response.getJsonObject("content");
      if (content == null) {
        continue;
      }
      io.vertx.core.json.JsonObject renamed = new io.vertx.core.json.JsonObject();
      content.forEach(e -> renamed.put(switch (e.getKey()) {
        case "application/problem+json" -> "application/json";
        case "text/event-stream", "text/html", "text/html; charset=utf-8" -> "text/plain";
        default -> e.getKey();
      }, e.getValue()));
      response.put("content", renamed);
    }
  }

  public static Router build(Vertx vertx, OpenAPIContract contract, List<Handler<RoutingContext>> rootHandlers,
      JWTAuthHandler authentication, Handler<RoutingContext> guard, Map<String, Handler<RoutingContext>> operations) {
    checkSameOperations(contract, operations.keySet());
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    RouterBuilder builder = RouterBuilder.create(vertx, contract, extractor);
    rootHandlers.forEach(builder::rootHandler);
    builder.security("bearerAuth").httpHandler(authentication);
    // Our validator in place of the builder's: the same checks, without a worker-thread hop per request.
    ContractValidator validator = new ContractValidator(vertx, contract);
    for (OpenAPIRoute route : builder.getRoutes()) {
      route.setDoValidation(false)
          .addHandler(validator.handler(route.getOperation(), extractor))
          .addHandler(guard)
          .addHandler(operations.get(route.getOperation().getOperationId()));
    }
    return builder.createRouter();
  }

  /** Fails when the handlers and the document's operations are not the same set. */
  public static void checkSameOperations(OpenAPIContract contract, Set<String> implemented) {
    Set<String> documented = contract.operations().stream().map(Operation::getOperationId).collect(Collectors.toCollection(TreeSet::new));
    Set<String> undocumented = new TreeSet<>(implemented);
    undocumented.removeAll(documented);
    Set<String> unimplemented = new TreeSet<>(documented);
    unimplemented.removeAll(implemented);
    if (!undocumented.isEmpty() || !unimplemented.isEmpty()) {
      throw new IllegalStateException("OpenAPI document and handlers differ: not in the document " + undocumented
          + ", without handler " + unimplemented);
    }
  }
}
