package dev.taskmesh.auth;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The keys that sign and verify local tokens, resolved once at start (blocking file reads: the
 * launcher thread, never an event loop). With HS256 and no configured secret, a random 256-bit
 * secret is generated on first start into {@code dataDir/jwt-secret} (mode 600), so tokens survive
 * restarts. Key ids derive from the key material, so a token signed with another key names an
 * unknown {@code kid}.
 */
public record TokenKeys(AppConfig.JwtAlgorithm algorithm, String secret, String privateKeyPem, String publicKeyPem, String kid) {

  static final String SECRET_FILE = "jwt-secret";

  public static TokenKeys resolve(AppConfig.Auth auth, Path dataDir) {
    if (auth.jwtAlgorithm() == AppConfig.JwtAlgorithm.HS256) {
      String secret = auth.jwtSecret().orElseGet(() -> loadOrCreateSecret(dataDir.resolve(SECRET_FILE)));
      return new TokenKeys(auth.jwtAlgorithm(), secret, null, null, "hs-" + fingerprint(secret));
    }
    String publicPem = pem("auth.jwtPublicKey", auth.jwtPublicKey().orElseThrow(), "PUBLIC KEY");
    String privatePem = auth.jwtPrivateKey().map(v -> pem("auth.jwtPrivateKey", v, "PRIVATE KEY"))
        .orElseThrow(() -> new ConfigException("auth.jwtPrivateKey", "", auth.jwtAlgorithm() + " needs the private key that signs local tokens"));
    return new TokenKeys(auth.jwtAlgorithm(), null, privatePem, publicPem, auth.jwtAlgorithm().name().toLowerCase() + "-" + fingerprint(publicPem));
  }

  static String loadOrCreateSecret(Path file) {
    try {
      if (Files.exists(file)) {
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
          throw new ConfigException("auth.jwtSecret", "***", "the generated secret in " + file + " is too short; delete the file to make a new one");
        }
        return secret;
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(tmp);
      }
      Files.writeString(tmp, secret, StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return secret;
    } catch (IOException e) {
      throw new ConfigException("auth.jwtSecret", "***", "cannot read or create " + file + ": " + e.getMessage());
    }
  }

  /** Accepts PEM text or the path of a PEM file. */
  static String pem(String key, String value, String kind) {
    String text = value;
    if (!value.contains("-----BEGIN")) {
      try {
        text = Files.readString(Path.of(value), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(key, value, "not PEM text and not a readable file");
      }
    }
    if (!text.contains("-----BEGIN " + kind + "-----")) {
      throw new ConfigException(key, "***", "expected a PEM block '-----BEGIN " + kind + "-----'"
          + (kind.equals("PRIVATE KEY") ? " (PKCS#8: openssl pkcs8 -topk8 -nocrypt)" : ""));
    }
    return text.trim();
  }

  static String fingerprint(String material) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("taskmesh-kid:" + material).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean symmetric() {
    return algorithm == AppConfig.JwtAlgorithm.HS256;
  }

  Set<String> algorithms() {
    return Set.of(algorithm.name());
  }

  public Optional<String> secretOptional() {
    return Optional.ofNullable(secret);
  }
}
