package dev.taskmesh.auth;

import dev.taskmesh.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.CredentialValidationException;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies tokens of an external OpenID Connect issuer (the original system planned an Auth0-style
 * provider) with its published JWKS, fetched at start and refreshed periodically. Only asymmetric
 * keys are used (an HMAC "key" in a public JWKS would let anyone sign). The configured claim maps
 * to local roles; callers are identified as {@code oidc:<sub>}.
 */
public final class OidcVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(OidcVerifier.class);
  private static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512");

  private final Vertx vertx;
  private final AppConfig.Oidc config;
  private final String audience;
  private final int leeway;
  private final WebClient client;
  private volatile JWTAuth verifier;
  private volatile Set<String> kids = Set.of();
  private long timer = -1;

  public OidcVerifier(Vertx vertx, AppConfig.Oidc config, String defaultAudience, int leewaySeconds) {
    this.vertx = vertx;
    this.config = config;
    this.audience = config.audience().isEmpty() ? defaultAudience : config.audience();
    this.leeway = leewaySeconds;
    this.client = WebClient.create(vertx);
  }

  /** Fetches the key set once (start fails if the issuer does not answer), then keeps it fresh. */
  public Future<Void> start() {
    return refresh().onSuccess(v -> timer = vertx.setPeriodic(config.jwksRefreshSeconds() * 1000L, id -> refresh()
        .onFailure(e -> LOG.warn("OIDC key set refresh from {} failed, keeping the previous keys: {}", config.jwksUrl().orElseThrow(), e.getMessage()))));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    client.close();
  }

  Future<Void> refresh() {
    String url = config.jwksUrl().orElseThrow().toString();
    return client.getAbs(url).timeout(5_000).send()
        .expecting(HttpResponseExpectation.SC_OK)
        .timeout(10, TimeUnit.SECONDS)
        .map(response -> {
          JsonArray keys = response.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
          JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
              .setIssuer(config.issuer().orElseThrow())
              .setAudience(List.of(audience))
              .setLeeway(leeway));
          java.util.Set<String> ids = new java.util.HashSet<>();
          for (Object item : keys) {
            if (item instanceof JsonObject jwk && jwk.getString("kid") != null && ASYMMETRIC.contains(jwk.getString("alg", "RS256"))
                && !"oct".equals(jwk.getString("kty"))) {
              options.addJwk(jwk.copy().put("alg", jwk.getString("alg", "RS256")));
              ids.add(jwk.getString("kid"));
            }
          }
          if (ids.isEmpty()) {
            throw new IllegalStateException("no usable asymmetric keys with a kid in " + url);
          }
          verifier = JWTAuth.create(vertx, options);
          kids = Set.copyOf(ids);
          return null;
        });
  }

  Future<User> authenticate(TokenCredentials credentials, Object alg) {
    JWTAuth current = verifier;
    if (current == null || !(alg instanceof String name) || !ASYMMETRIC.contains(name)) {
      return Future.failedFuture(new CredentialValidationException("algorithm not accepted"));
    }
    return current.authenticate(credentials).map(user -> {
      JsonObject claims = TokenService.claims(user);
      String sub = claims.getString("sub");
      if (sub == null || sub.isBlank()) {
        throw new CredentialValidationException("token without subject");
      }
      Caller.attach(user, new Caller("oidc:" + sub, claims.getString("email"), mapRole(claims)));
      return user;
    });
  }

  Role mapRole(JsonObject claims) {
    Object value = claims;
    for (String part : config.roleClaim().split("\\.")) {
      value = value instanceof JsonObject object ? object.getValue(part) : null;
    }
    Role best = null;
    if (value instanceof String single) {
      best = mapped(single, null);
    } else if (value instanceof JsonArray many) {
      for (Object item : many) {
        best = mapped(String.valueOf(item), best);
      }
    }
    return best != null ? best : Role.parse(config.defaultRole()).orElse(Role.INVITED);
  }

  private Role mapped(String external, Role best) {
    Role role = Role.parse(config.roleMapping().get(external)).orElse(null);
    return role == null ? best : best == null ? role : Role.strongest(best, role);
  }

  boolean knows(String kid) {
    return kids.contains(kid);
  }
}
