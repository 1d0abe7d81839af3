package dev.taskmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.ApiClient;
import dev.taskmesh.support.AppProcess;
import dev.taskmesh.support.InProcessApp;
import dev.taskmesh.support.Jwts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Asymmetric keys (RS256) and an external OIDC issuer whose key set a local server publishes:
 * algorithm confusion, unknown key ids and foreign issuers are refused; the issuer's group claim
 * maps to local roles.
 */
class GatewayKeysIT {

  static final String ISSUER = "https://idp.example.test";

  static Vertx idpVertx;
  static HttpServer jwks;
  static InProcessApp app;
  static ApiClient api;
  static KeyPair local;
  static JWTAuth idp;
  static JWTAuth impostor;

  @BeforeAll
  static void start() throws Exception {
    local = rsa();
    KeyPair external = rsa();
    KeyPair other = rsa();
    idpVertx = Vertx.vertx();
    JsonObject keySet = new JsonObject().put("keys", new JsonArray().add(jwk((RSAPublicKey) external.getPublic(), "ext-1")));
    jwks = idpVertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(keySet.encode()))
        .listen(0, "127.0.0.1").await();
    idp = JWTAuth.create(idpVertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setId("ext-1")
        .setBuffer(pem("PRIVATE KEY", external.getPrivate().getEncoded()))));
    impostor = JWTAuth.create(idpVertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setId("ext-1")
        .setBuffer(pem("PRIVATE KEY", other.getPrivate().getEncoded()))));
    app = InProcessApp.start(Map.of(
        "JWT_ALGORITHM", "RS256",
        "JWT_PRIVATE_KEY", pem("PRIVATE KEY", local.getPrivate().getEncoded()),
        "JWT_PUBLIC_KEY", pem("PUBLIC KEY", local.getPublic().getEncoded()),
        "OIDC_ISSUER", ISSUER,
        "OIDC_JWKS_URL", "http://127.0.0.1:" + jwks.actualPort() + "/jwks",
        "OIDC_ROLE_CLAIM", "groups",
        "OIDC_ROLE_MAPPING", "tm-admins=admin,tm-users=registered",
        "ROLES", "api"));
    api = new ApiClient(app.port());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (idpVertx != null) {
      idpVertx.close().await();
    }
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  static String pem(String kind, byte[] der) {
    return "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + kind + "-----\n";
  }

  static JsonObject jwk(RSAPublicKey key, String kid) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256").put("use", "sig")
        .put("n", b64.encodeToString(unsigned(key.getModulus().toByteArray())))
        .put("e", b64.encodeToString(unsigned(key.getPublicExponent().toByteArray())));
  }

  static byte[] unsigned(byte[] bytes) {
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  static String external(JWTAuth signer, JsonObject claims, String issuer, boolean withExp) {
    JWTOptions options = new JWTOptions().setAlgorithm("RS256").setIssuer(issuer).setAudience(List.of("taskmesh-api"));
    if (withExp) {
      options.setExpiresInMinutes(5);
    }
    return signer.generateToken(claims, options);
  }

  @Test
  void localLoginSignsWithTheKeyPair() {
    String token = api.login(InProcessApp.ADMIN_EMAIL, InProcessApp.ADMIN_PASSWORD);
    assertThat(Jwts.part(token, 0).getString("alg")).isEqualTo("RS256");
    assertThat(api.get("/api/users/me", token).json().getString("role")).isEqualTo("admin");
  }

  @Test
  void hs256SignedWithThePublicKeyIsRefused() {
    String token = api.login(InProcessApp.ADMIN_EMAIL, InProcessApp.ADMIN_PASSWORD);
    JsonObject header = Jwts.part(token, 0).put("alg", "HS256");
    JsonObject claims = Jwts.part(token, 1);
    byte[] publicPem = pem("PUBLIC KEY", local.getPublic().getEncoded()).getBytes(StandardCharsets.UTF_8);
    assertThat(api.get("/api/users/me", Jwts.hs256(header, claims, publicPem)).status()).isEqualTo(401);
    assertThat(api.get("/api/users/me", Jwts.hs256(header, claims, local.getPublic().getEncoded())).status()).isEqualTo(401);
    JsonObject noKid = header.copy();
    noKid.remove("kid");
    assertThat(api.get("/api/users/me", Jwts.hs256(noKid, claims, publicPem)).status()).isEqualTo(401);
    assertThat(api.get("/api/users/me", Jwts.unsigned(claims)).status()).isEqualTo(401);
  }

  @Test
  void anExternalIssuersTokenMapsItsGroupsToARole() {
    String user = external(idp, new JsonObject().put("sub", "u-42").put("email", "u42@idp.test").put("groups", new JsonArray().add("tm-users")), ISSUER, true);
    JsonObject me = api.get("/api/users/me", user).json();
    assertThat(me.getString("id")).isEqualTo("oidc:u-42");
    assertThat(me.getString("role")).isEqualTo("registered");
    assertThat(api.post("/api/tasks", user, new JsonObject().put("title", "from the idp").put("type", "sleep")).status()).isEqualTo(201);
    assertThat(api.get("/api/users", user).status()).isEqualTo(403);

    String adminToken = external(idp, new JsonObject().put("sub", "boss").put("groups", new JsonArray().add("staff").add("tm-admins")), ISSUER, true);
    assertThat(api.get("/api/users", adminToken).status()).isEqualTo(200);
    String nobody = external(idp, new JsonObject().put("sub", "guest"), ISSUER, true);
    assertThat(api.get("/api/users/me", nobody).json().getString("role")).isEqualTo("invited");
  }

  @Test
  void foreignTokensAreRefused() {
    JsonObject claims = new JsonObject().put("sub", "u-1").put("groups", new JsonArray().add("tm-admins"));
    assertThat(api.get("/api/users/me", external(impostor, claims.copy(), ISSUER, true)).status()).as("signed by another key").isEqualTo(401);
    assertThat(api.get("/api/users/me", external(idp, claims.copy(), "https://evil.example", true)).status()).as("wrong issuer").isEqualTo(401);
    assertThat(api.get("/api/users/me", external(idp, claims.copy(), ISSUER, false)).status()).as("no exp").isEqualTo(401);
    String token = external(idp, claims.copy(), ISSUER, true);
    JsonObject header = Jwts.part(token, 0).put("kid", "ext-unknown");
    String[] parts = token.split("\\.");
    assertThat(api.get("/api/users/me", Jwts.b64(header.encode()) + "." + parts[1] + "." + parts[2]).status()).as("unknown kid").isEqualTo(401);
  }

  @Test
  void theProcessRefusesAShortSecret() throws Exception {
    // Configuration is checked before anything starts: exit code 2 and the key named.
    try (AppProcess process = AppProcess.start(app.dataDir().resolve("short"), Map.of("JWT_SECRET", "too-short", "HTTP_PORT", "0"))) {
      assertThat(process.awaitExit(java.time.Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(process.stderr()).contains("auth.jwtSecret");
    }
  }
}
