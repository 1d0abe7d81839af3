package dev.taskmesh.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskmesh.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

  static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
  private static Vertx vertx;
  private static TokenService tokens;

  static AppConfig.Auth auth() {
    return new AppConfig.Auth("a@b.c", "A", Optional.empty(), Optional.of(SECRET), AppConfig.JwtAlgorithm.HS256, Optional.empty(),
        Optional.empty(), "taskmesh", "taskmesh-api", 60, 30, 5, 20, 1000,
        new AppConfig.Oidc(Optional.empty(), Optional.empty(), "", "roles", Map.of(), "invited", 300));
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens = new TokenService(vertx, TokenKeys.resolve(auth(), java.nio.file.Path.of(".")), auth(), null);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static User verify(String token) {
    return tokens.authenticate(new TokenCredentials(token)).await();
  }

  @Test
  void anIssuedTokenVerifiesAndCarriesTheCaller() {
    String token = tokens.issue("u1", "u1@x.y", Role.REGISTERED).token();
    Caller caller = (Caller) verify(token).attributes().getValue(Caller.ATTRIBUTE);
    assertThat(caller).isEqualTo(new Caller("u1", "u1@x.y", Role.REGISTERED));
  }

  @Test
  void revokedTokensStopWorking() {
    String token = tokens.issue("u2", "u2@x.y", Role.REGISTERED).token();
    tokens.revoke("u2", System.currentTimeMillis() + 1);
    assertThatThrownBy(() -> verify(token)).hasMessageContaining("revoked");
  }

  @Test
  void unsignedOversizedAndMalformedTokensAreRefused() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String payload = b64("{\"sub\":\"u1\",\"role\":\"admin\",\"iss\":\"taskmesh\",\"aud\":\"taskmesh-api\",\"exp\":9999999999}");
    assertThatThrownBy(() -> verify(header + "." + payload + ".")).isNotNull();
    assertThatThrownBy(() -> verify(header + "." + payload)).isNotNull();
    assertThatThrownBy(() -> verify("x".repeat(TokenService.MAX_TOKEN_CHARS + 1))).hasMessageContaining("larger");
    assertThatThrownBy(() -> verify("not-a-token")).hasMessageContaining("malformed");
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void claimsOfTheWrongTypeAreARefusalNotACrash() {
    String token = tokens.issue("u3", "u3@x.y", Role.REGISTERED).token();
    String[] parts = token.split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).put("exp", "soon");
    String forged = parts[0] + "." + b64(claims.encode()) + "." + parts[2];
    assertThatThrownBy(() -> verify(forged)).isInstanceOf(io.vertx.ext.auth.authentication.CredentialValidationException.class);
  }
}
