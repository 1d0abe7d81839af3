package dev.taskmesh.auth;

import dev.taskmesh.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.CredentialValidationException;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies bearer tokens. Verification is vertx-auth-jwt's (signature, iss, aud, exp,
 * nbf, iat with a small leeway) behind stricter checks of our own: a size cap, exactly the
 * configured algorithm (never {@code none}, never HMAC where keys are asymmetric), a known key id,
 * and a mandatory {@code exp}. Tokens of a configured OIDC issuer go to {@link OidcVerifier}.
 * HMAC verification is cheap, so this runs on the event loop; one instance serves every API
 * verticle of the process.
 */
public final class TokenService implements JWTAuth {

  /** Tokens larger than this are refused before any parsing. */
  public static final int MAX_TOKEN_CHARS = 8 * 1024;

  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

  private final TokenKeys keys;
  private final AppConfig.Auth config;
  private final JWTAuth local;
  private final JWTOptions issueOptions;
  private final OidcVerifier oidc;
  // user id -> epoch millisecond before which their tokens no longer count (role change, password change, deletion)
  private final Map<String, Long> revokedBefore = new ConcurrentHashMap<>();

  public TokenService(Vertx vertx, TokenKeys keys, AppConfig.Auth config, OidcVerifier oidc) {
    this.keys = keys;
    this.config = config;
    this.oidc = oidc;
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
        .setIssuer(config.jwtIssuer())
        .setAudience(List.of(config.jwtAudience()))
        .setLeeway(config.clockSkewSeconds()));
    String alg = keys.algorithm().name();
    if (keys.symmetric()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(keys.secret()).setId(keys.kid()));
    } else {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(keys.publicKeyPem()).setId(keys.kid()));
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(keys.privateKeyPem()).setId(keys.kid()));
    }
    this.local = JWTAuth.create(vertx, options);
    this.issueOptions = new JWTOptions()
        .setAlgorithm(alg)
        .setIssuer(config.jwtIssuer())
        .setAudience(List.of(config.jwtAudience()))
        .setExpiresInMinutes(config.tokenTtlMinutes());
  }

  /** A signed token for a local account. */
  public IssuedToken issue(String userId, String email, Role role) {
    long now = Instant.now().getEpochSecond();
    // "iam": issued-at in milliseconds, so a revocation in the same second as a login tells them apart.
    JsonObject claims = new JsonObject().put("sub", userId).put("email", email).put("role", role.label()).put("iat", now)
        .put("iam", System.currentTimeMillis());
    String token = local.generateToken(claims, issueOptions);
    return new IssuedToken(token, Instant.ofEpochSecond(now + config.tokenTtlMinutes() * 60L));
  }

  public record IssuedToken(String token, Instant expiresAt) {}

  /** Tokens of this user issued before {@code epochMillis} stop working (their role, password or existence changed). */
  public void revoke(String userId, long epochMillis) {
    revokedBefore.merge(userId, epochMillis, Math::max);
  }

  /** Issued-at in milliseconds: our own claim when present, else {@code iat}. */
  static long issuedAtMillis(JsonObject claims) {
    Object millis = claims.getValue("iam");
    return millis instanceof Number n ? n.longValue() : claims.getLong("iat", 0L) * 1000;
  }

  /** Every refusal, whatever broke inside the verifier (e.g. a claim of the wrong type), is a 401, never a 500. */
  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (credentials instanceof TokenCredentials tc && tc.getToken() != null) {
      Verified hit = verified.get(tc.getToken());
      if (hit != null) {
        long now = System.currentTimeMillis() / 1000;
        if (now - config.clockSkewSeconds() < hit.exp() && !revokedFor(hit.caller().id(), hit.iat())) {
          return Future.succeededFuture(hit.user());
        }
        verified.remove(tc.getToken());
      }
    }
    Future<User> verified;
    try {
      verified = verify(credentials);
    } catch (RuntimeException e) {
      verified = Future.failedFuture(e);
    }
    return verified.<User>transform(result -> {
      if (result.failed()) {
        Throwable e = result.cause();
        return Future.failedFuture(e instanceof CredentialValidationException ? e : new CredentialValidationException("invalid token: " + e.getMessage()));
      }
      remember(((TokenCredentials) credentials).getToken(), result.result());
      return Future.succeededFuture(result.result());
    });
  }

  /**
   * A token verified once is a fact until it expires: its signature and claims cannot change. The
   * cache saves the HMAC/RSA check and two JSON parses per request for clients that reuse a token;
   * expiry and revocation are still checked on every hit. Bounded; cleared wholesale when full.
   */
  private record Verified(User user, Caller caller, long exp, long iat) {}

  private static final int VERIFIED_CACHE = 10_000;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private void remember(String token, User user) {
    JsonObject claims = claims(user);
    Object caller = user.attributes().getValue(Caller.ATTRIBUTE);
    if (!(caller instanceof Caller c) || !(claims.getValue("exp") instanceof Number exp)) {
      return;
    }
    if (verified.size() >= VERIFIED_CACHE) {
      verified.clear();
    }
    verified.put(token, new Verified(user, c, exp.longValue(), issuedAtMillis(claims)));
  }

  private boolean revokedFor(String userId, long issuedAtMillis) {
    Long revoked = revokedBefore.get(userId);
    return revoked != null && issuedAtMillis < revoked;
  }

  private Future<User> verify(Credentials credentials) {
    // Verified-token cache entries of a revoked user are dropped by the check on each hit.
    if (!(credentials instanceof TokenCredentials tokenCredentials)) {
      return Future.failedFuture(new CredentialValidationException("bearer token expected"));
    }
    String token = tokenCredentials.getToken();
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return fail("token missing or larger than " + MAX_TOKEN_CHARS + " characters");
    }
    JsonObject header;
    try {
      int dot = token.indexOf('.');
      if (dot <= 0 || token.indexOf('.', dot + 1) < 0) {
        return fail("malformed token");
      }
      header = new JsonObject(new String(B64URL.decode(token.substring(0, dot)), java.nio.charset.StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return fail("malformed token");
    }
    Object alg = header.getValue("alg");
    Object kid = header.getValue("kid");
    boolean localKey = kid == null || keys.kid().equals(kid);
    if (localKey && keys.algorithm().name().equals(alg)) {
      return local.authenticate(tokenCredentials).compose(this::localCaller);
    }
    if (oidc != null && kid instanceof String) {
      return oidc.authenticate(tokenCredentials, alg).compose(user -> requireExp(user).map(v -> user));
    }
    return fail(localKey ? "algorithm not accepted" : "unknown key id");
  }

  private Future<User> localCaller(User user) {
    JsonObject claims = claims(user);
    Future<Void> exp = requireExp(user);
    if (exp.failed()) {
      return Future.failedFuture(exp.cause());
    }
    String sub = claims.getString("sub");
    Role role = Role.parse(claims.getString("role")).orElse(null);
    if (sub == null || role == null) {
      return fail("token without subject or role");
    }
    if (revokedFor(sub, issuedAtMillis(claims))) {
      return fail("token revoked");
    }
    Caller.attach(user, new Caller(sub, claims.getString("email"), role));
    return Future.succeededFuture(user);
  }

  /** The verified claims; vertx-auth-jwt keeps exp/iat/nbf out of the principal. */
  static JsonObject claims(User user) {
    JsonObject token = user.attributes().getJsonObject("accessToken");
    return token != null ? token : user.principal();
  }

  private static Future<Void> requireExp(User user) {
    return claims(user).getValue("exp") instanceof Number
        ? Future.succeededFuture()
        : Future.failedFuture(new CredentialValidationException("token without exp"));
  }

  private static <T> Future<T> fail(String reason) {
    return Future.failedFuture(new CredentialValidationException(reason));
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    throw new UnsupportedOperationException("use issue()");
  }

  @Override
  public String generateToken(JsonObject claims) {
    throw new UnsupportedOperationException("use issue()");
  }
}
