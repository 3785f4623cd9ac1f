package io.accesstokens.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.accesstokens.testing.SecretLeakGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The committed results are the reference for the tools' reading and writing: summarizing the
 * committed raw files gives the committed summary.json byte for byte, and each raw file the tools
 * write reads back into its record and writes out as it is.
 */
@ExtendWith(SecretLeakGuard.class)
class SummarizeTest {
  /** benchmarks/results, from the module's directory (where the build runs the tests). */
  private static final Path RESULTS = Path.of("results");

  @Test
  void theCommittedRawResults_summarizeToTheCommittedSummary() throws Exception {
    Summarize summary = Summarize.load(RESULTS.resolve("raw"));
    summary.compute();

    assertThat(Json.write(summary.summary()))
        .isEqualTo(Files.readString(RESULTS.resolve("summary.json")));
  }

  @Test
  void theHeapFile_readsAndWritesBackUnchanged() throws Exception {
    Path file = RESULTS.resolve("raw/heap.json");

    RetainedHeap.Measurement heap =
        Json.MAPPER.readValue(file.toFile(), RetainedHeap.Measurement.class);

    assertThat(Json.write(heap)).isEqualTo(Files.readString(file));
  }

  @Test
  void thePropagationFiles_readAndWriteBackUnchanged() throws Exception {
    for (String name : List.of("propagation-polling.json", "propagation-notify.json")) {
      Path file = RESULTS.resolve("raw").resolve(name);

      LinkedHashMap<String, Propagation.Result> results =
          Json.MAPPER.readValue(file.toFile(), new TypeReference<>() {});

      assertThat(results.values()).as(name).allMatch(r -> r instanceof Propagation.Measured);
      assertThat(Json.write(results)).as(name).isEqualTo(Files.readString(file));
    }
  }

  @Test
  void anUnavailablePropagationTarget_readsAsItsReason() throws Exception {
    Propagation.Result result =
        Json.MAPPER.readValue("{\"unavailable\": \"not set\"}", Propagation.Result.class);

    assertThat(result).isEqualTo(new Propagation.Unavailable("not set"));
  }

  @Test
  void aJmhResultWithoutItsBenchmarkName_isRefused_namingTheField() {
    String entry =
        "[{\"threads\": 1, \"primaryMetric\": {\"scoreUnit\": \"ns/op\", \"rawData\": [[1.0]]}}]";

    assertThatThrownBy(
            () -> Json.MAPPER.readValue(entry, new TypeReference<List<Summarize.JmhResult>>() {}))
        .isInstanceOf(MismatchedInputException.class)
        .hasMessageContaining("'benchmark'");
  }

  @Test
  void figures_haveAtMostSixSignificantDigits_andNotANumberIsNull() {
    assertThat(Json.write(List.of(390.29123, 3.0, 1e-7, Double.NaN, 120_000.5)))
        .isEqualTo("[390.291, 3, 0.0000001, null, 120001]\n");
  }
}
