package dev.taskmesh.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OidcRoleMappingTest {

  private static Vertx vertx;
  private static OidcVerifier verifier;

  @BeforeAll
  static void create() {
    vertx = Vertx.vertx();
    verifier = new OidcVerifier(vertx, new AppConfig.Oidc(Optional.of("https://idp"), Optional.of(URI.create("http://127.0.0.1:1/jwks")), "",
        "realm_access.roles", Map.of("ops", "admin", "staff", "registered"), "invited", 300), "taskmesh-api", 30);
  }

  @AfterAll
  static void close() {
    verifier.stop();
    vertx.close().await();
  }

  private static JsonObject roles(Object value) {
    return new JsonObject().put("realm_access", new JsonObject().put("roles", value));
  }

  @Test
  void theStrongestMappedRoleWins() {
    assertThat(verifier.mapRole(roles(new JsonArray().add("staff").add("ops")))).isEqualTo(Role.ADMIN);
    assertThat(verifier.mapRole(roles(new JsonArray().add("staff")))).isEqualTo(Role.REGISTERED);
    assertThat(verifier.mapRole(roles("ops"))).isEqualTo(Role.ADMIN);
  }

  @Test
  void unmappedOrMissingClaimsGetTheDefaultRole() {
    assertThat(verifier.mapRole(roles(new JsonArray().add("admin")))).isEqualTo(Role.INVITED);
    assertThat(verifier.mapRole(new JsonObject())).isEqualTo(Role.INVITED);
    assertThat(verifier.mapRole(roles(42))).isEqualTo(Role.INVITED);
  }
}
