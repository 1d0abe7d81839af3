package dev.taskmesh.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}),
 * at OWASP's minimum parameters. Hashing costs tens of milliseconds of CPU: call it off the event loop.
 */
public final class PasswordHasher {

  public record Parameters(int memoryKib, int iterations, int parallelism) {
    public static final Parameters OWASP_MINIMUM = new Parameters(19_456, 2, 1);
  }

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final Parameters parameters;
  private final SecureRandom random = new SecureRandom();

  public PasswordHasher(Parameters parameters) {
    this.parameters = parameters;
  }

  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = derive(password, salt, parameters, HASH_BYTES);
    return "$argon2id$v=19$m=" + parameters.memoryKib() + ",t=" + parameters.iterations() + ",p=" + parameters.parallelism()
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  public boolean verify(String password, String encoded) {
    String[] parts = encoded.split("\\$");
    if (parts.length != 6 || !parts[1].equals("argon2id")) {
      return false;
    }
    Parameters stored = parse(parts[3]);
    byte[] expected = B64D.decode(parts[5]);
    byte[] actual = derive(password, B64D.decode(parts[4]), stored, expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  /** True when the hash was made with weaker parameters than the current ones: rehash at next login. */
  public boolean needsRehash(String encoded) {
    String[] parts = encoded.split("\\$");
    if (parts.length != 6) {
      return true;
    }
    Parameters stored = parse(parts[3]);
    return stored.memoryKib() < parameters.memoryKib() || stored.iterations() < parameters.iterations()
        || stored.parallelism() < parameters.parallelism();
  }

  private static Parameters parse(String text) {
    int m = 0, t = 0, p = 0;
    for (String pair : text.split(",")) {
      String[] kv = pair.split("=");
      int value = Integer.parseInt(kv[1]);
      switch (kv[0]) {
        case "m" -> m = value;
        case "t" -> t = value;
        case "p" -> p = value;
        default -> { }
      }
    }
    return new Parameters(m, t, p);
  }

  private static byte[] derive(String password, byte[] salt, Parameters parameters, int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(parameters.memoryKib())
        .withIterations(parameters.iterations())
        .withParallelism(parameters.parallelism())
        .withSalt(salt)
        .build());
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
