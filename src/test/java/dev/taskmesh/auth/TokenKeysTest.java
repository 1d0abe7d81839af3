package dev.taskmesh.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenKeysTest {

  @TempDir Path dir;

  static AppConfig.Auth auth(Optional<String> secret) {
    return new AppConfig.Auth("a@b.c", "A", Optional.empty(), secret, AppConfig.JwtAlgorithm.HS256, Optional.empty(), Optional.empty(),
        "taskmesh", "taskmesh-api", 60, 30, 5, 20, 1000, new AppConfig.Oidc(Optional.empty(), Optional.empty(), "", "roles", Map.of(), "invited", 300));
  }

  @Test
  void withoutASecretOneIsGeneratedOnceIntoTheDataDirReadableOnlyByTheOwner() throws Exception {
    TokenKeys first = TokenKeys.resolve(auth(Optional.empty()), dir);
    Path file = dir.resolve(TokenKeys.SECRET_FILE);
    assertThat(first.secret().length()).isGreaterThanOrEqualTo(43);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    TokenKeys again = TokenKeys.resolve(auth(Optional.empty()), dir);
    assertThat(again.secret()).isEqualTo(first.secret());
    assertThat(again.kid()).isEqualTo(first.kid());
  }

  @Test
  void aConfiguredSecretWinsAndNoFileIsWritten() {
    TokenKeys keys = TokenKeys.resolve(auth(Optional.of("x".repeat(40))), dir);
    assertThat(keys.secret()).isEqualTo("x".repeat(40));
    assertThat(dir.resolve(TokenKeys.SECRET_FILE)).doesNotExist();
  }

  @Test
  void aTruncatedSecretFileIsRefused() throws Exception {
    Files.writeString(dir.resolve(TokenKeys.SECRET_FILE), "short");
    assertThatThrownBy(() -> TokenKeys.resolve(auth(Optional.empty()), dir)).isInstanceOf(ConfigException.class);
  }

  @Test
  void aKeyThatIsNotPemIsRefused() {
    assertThatThrownBy(() -> TokenKeys.pem("auth.jwtPublicKey", "-----BEGIN CERTIFICATE-----\nabc", "PUBLIC KEY"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.jwtPublicKey");
    assertThatThrownBy(() -> TokenKeys.pem("auth.jwtPublicKey", dir.resolve("missing.pem").toString(), "PUBLIC KEY"))
        .isInstanceOf(ConfigException.class);
  }
}
