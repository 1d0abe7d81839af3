package dev.taskmesh.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

  private final PasswordHasher hasher = new PasswordHasher(PasswordHasher.Parameters.OWASP_MINIMUM);

  @Test
  void hashesAreArgon2idAtOwaspMinimumAndVerify() {
    String hash = hasher.hash("correct horse");
    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hasher.verify("correct horse", hash)).isTrue();
    assertThat(hasher.verify("wrong horse", hash)).isFalse();
    assertThat(hasher.hash("correct horse")).isNotEqualTo(hash);
  }

  @Test
  void weakerParametersAskForARehash() {
    String weak = new PasswordHasher(new PasswordHasher.Parameters(8_192, 1, 1)).hash("pw");
    assertThat(hasher.needsRehash(weak)).isTrue();
    assertThat(hasher.needsRehash(hasher.hash("pw"))).isFalse();
  }
}
