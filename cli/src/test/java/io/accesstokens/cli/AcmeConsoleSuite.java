package io.accesstokens.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console most command suites drive: a new one for each test, in a temporary directory, with
 * organization acme (EDI access; environments production and sandbox) configured and taken as the
 * default organization (ACCESS_TOKENS_ORG). A suite's own {@code @BeforeEach} runs after this one,
 * so it can add to it.
 */
abstract class AcmeConsoleSuite {
  @TempDir Path dir;

  Cli cli;

  @BeforeEach
  void configureAcme() {
    cli =
        new Cli(dir).organization("acme", "production", "sandbox").env("ACCESS_TOKENS_ORG", "acme");
  }
}
