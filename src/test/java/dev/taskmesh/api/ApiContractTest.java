package dev.taskmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The router's operations and the OpenAPI document's operations are the same set (API9: inventory). */
class ApiContractTest {

  private static Vertx vertx;
  private static OpenAPIContract contract;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    try {
      contract = ApiContract.load(vertx).await().contract();
    } catch (RuntimeException e) {
      Throwable t = e;
      while (t != null) {
        if (t instanceof io.vertx.json.schema.JsonSchemaValidationException v) {
          System.err.println("location: " + v.location());
        }
        t = t.getCause();
      }
      throw e;
    }
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  /** The handler table the verticle builds, with services absent: only the keys matter here. */
  static Map<String, Handler<RoutingContext>> handlerTable() {
    Map<String, Handler<RoutingContext>> operations = new LinkedHashMap<>();
    new AuthRoutes(null, null, null).register(operations);
    new UserRoutes(null).register(operations);
    new TaskRoutes(null, TaskHandlers.defaults()).register(operations);
    new RunRoutes(null, null, null).register(operations);
    new EventStreams(vertx, null, null, 1, change -> { }).register(operations);
    new RunResultPage(null).register(operations, null);
    new DeadLetterRoutes(null).register(operations);
    return operations;
  }

  @Test
  void everyDocumentedOperationHasAHandlerAndNothingElseIsRouted() {
    Map<String, Handler<RoutingContext>> operations = handlerTable();
    Set<String> documented = contract.operations().stream().map(Operation::getOperationId).collect(Collectors.toSet());
    assertThat(operations.keySet()).containsExactlyInAnyOrderElementsOf(documented);

    Router router = ApiContract.build(vertx, contract, java.util.List.of(), JWTAuthHandler.create(null), RoutingContext::next, operations);
    Set<String> routed = router.getRoutes().stream()
        .map(route -> route.getMetadata(RouterBuilder.KEY_META_DATA_OPERATION))
        .filter(java.util.Objects::nonNull)
        .map(meta -> meta instanceof Operation op ? op.getOperationId() : String.valueOf(meta))
        .collect(Collectors.toSet());
    assertThat(routed).isEqualTo(documented);
    // Every /api route of the router comes from the document.
    Set<String> apiPaths = router.getRoutes().stream().map(Route::getPath).filter(p -> p != null && p.startsWith("/api"))
        .collect(Collectors.toSet());
    Set<String> documentedPaths = contract.getPaths().stream().map(p -> p.getName().replaceAll("\\{(.*?)}", ":$1")).collect(Collectors.toSet());
    assertThat(apiPaths).isEqualTo(documentedPaths);
  }

  @Test
  void aHandlerWithoutOperationOrAnOperationWithoutHandlerStopsTheBuild() {
    Map<String, Handler<RoutingContext>> extra = handlerTable();
    extra.put("notDocumented", RoutingContext::next);
    assertThatThrownBy(() -> ApiContract.checkSameOperations(contract, extra.keySet())).hasMessageContaining("notDocumented");
    Map<String, Handler<RoutingContext>> missing = handlerTable();
    missing.remove("getRun");
    assertThatThrownBy(() -> ApiContract.checkSameOperations(contract, missing.keySet())).hasMessageContaining("getRun");
  }

  @Test
  void theValidatorsShortcutForPlainStringsAnswersAsVertxOpenapisTransformerDoes() {
    io.vertx.openapi.contract.Parameter id = contract.operation("getRun").getParameters().stream()
        .filter(p -> p.getName().equals("id")).findFirst().orElseThrow();
    var transformer = new io.vertx.openapi.validation.transformer.SimpleTransformer();
    for (String raw : java.util.List.of("46075a7b-06c1-4957-98a1-0d9d2f9bb7a1", "abc", "a-b.c:d_e", "r1", "123", "-1", "1.5", "1e5",
        "1-2", "true", "null", "x y", "\"q\"", "[1]", "{}", "a\\b", "E5", "-", "0x10")) {
      Object expected;
      try {
        expected = transformer.transform(id, raw);
      } catch (RuntimeException refused) {
        expected = refused.getClass();
      }
      if (ContractValidator.isPlainString(id, raw)) {
        assertThat((Object) raw).as(raw).isEqualTo(expected);
      }
    }
    assertThat(ContractValidator.isPlainString(id, "46075a7b-06c1-4957-98a1-0d9d2f9bb7a1")).isTrue();
    assertThat(ContractValidator.isPlainString(id, "-1")).isFalse();
  }

  @Test
  void theValidatorsRuleForSimpleStringSchemasAcceptsOnlyWhatTheSchemaValidatorAccepts() {
    ContractValidator validator = new ContractValidator(vertx, contract);
    io.vertx.openapi.contract.Parameter id = contract.operation("launchTask").getParameters().stream()
        .filter(p -> p.getName().equals("id")).findFirst().orElseThrow();
    io.vertx.openapi.contract.Parameter key = contract.operation("launchTask").getParameters().stream()
        .filter(p -> p.getName().equals("Idempotency-Key")).findFirst().orElseThrow();
    for (io.vertx.openapi.contract.Parameter parameter : java.util.List.of(id, key)) {
      var rule = validator.stringRule(parameter.getSchema());
      assertThat(rule).as("%s has a rule", parameter.getName()).isPresent();
      var schemaValidator = contract.getSchemaRepository().validator(parameter.getSchema());
      for (String value : java.util.List.of("46075a7b-06c1-4957-98a1-0d9d2f9bb7a1", "abc", "a_b-c", "", "x".repeat(64), "x".repeat(65),
          "x".repeat(255), "x".repeat(256), "a b", "a/b", "a.b", "é", "ab\u00e9", "\u2603", "a\nb", "!~", "日本")) {
        boolean valid = schemaValidator.validate(value).getValid();
        if (rule.get().accepts(value)) {
          assertThat(valid).as("%s accepted by the rule: '%s'", parameter.getName(), value).isTrue();
        } else if (value.chars().allMatch(c -> c <= 0x7F)) {
          assertThat(valid).as("%s refused by the rule: '%s'", parameter.getName(), value).isFalse();
        }
      }
    }
    assertThat(validator.stringRule(contract.operation("listRuns").getParameters().stream()
        .filter(p -> p.getName().equals("status")).findFirst().orElseThrow().getSchema())).as("an enum is not a simple string").isEmpty();
  }
}
