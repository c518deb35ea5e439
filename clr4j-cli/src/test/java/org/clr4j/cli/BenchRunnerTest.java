package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.clr4j.data.DataSources;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.train.EpochResult;
import org.clr4j.djl.train.TrainingDivergedException;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One bench configuration: what counts as divergence, and when a checkpoint is given up. */
class BenchRunnerTest {
  private static final TrainTest DATA = tiny();
  private static final Schedule SCHEDULE = BenchPlan.constant(0.01);

  @TempDir Path out;
  private final StringWriter stdout = new StringWriter();
  private BenchProgress progress;

  private static TrainTest tiny() {
    TrainTest all = DataSources.parse("fashion-mnist-small", (Path) null);
    return new TrainTest(all.train().head(200), all.test().head(50));
  }

  private BenchRunner runner(BenchRunner.Training training) throws IOException {
    BenchRunner runner = new BenchRunner(BenchStore.open(out), out, new PrintWriter(stdout, true), DATA, 128, 1,
        training);
    progress = new BenchProgress(Map.of("mlp", 2L), Map.of("mlp", 0.01), 1);
    runner.reportTo(progress);
    return runner;
  }

  @AfterEach
  void closeProgress() {
    if (progress != null) {
      progress.close();
    }
  }

  private Path checkpointFile(BenchRunner runner) throws IOException {
    Path dir = runner.checkpointDir(runner.clr4jId("mlp", BenchPolicy.FIXED, SCHEDULE, 42, 1));
    Files.createDirectories(dir);
    return dir.resolve(BenchRunner.CHECKPOINT_FILE);
  }

  @Test
  void anIllegalStateExceptionThatIsNotDivergencePropagatesAndNothingIsRecorded() throws IOException {
    IllegalStateException bug = new IllegalStateException("schedule gives lr (NaN) at step 3");
    BenchRunner runner = runner((config, listener, data, resume) -> {
      throw bug;
    });
    assertSame(bug, assertThrows(IllegalStateException.class,
        () -> runner.clr4j("mlp", BenchPolicy.FIXED, SCHEDULE, 0.01, 42, 1)));
    assertEquals(0, BenchStore.open(out).size(), "a bug is not a diverged result");
  }

  @Test
  void divergenceIsRecordedWithTheEpochsItFinished() throws IOException {
    BenchRunner runner = runner((config, listener, data, resume) -> {
      listener.onEpoch(new EpochResult(1, 2, 0.9, 0.8, 0.5, 1.0, 100));
      throw new TrainingDivergedException("training diverged: loss NaN at step 3 (lr 0.01)", 3, 0.01);
    });
    BenchStore.Result r = runner.clr4j("mlp", BenchPolicy.FIXED, SCHEDULE, 0.01, 42, 2);
    assertEquals(BenchStore.Status.DIVERGED, r.status());
    assertEquals(1, r.epochResults.size());
    assertTrue(stdout.toString().contains("mlp fixed lr 0.0100 seed 42: diverged (training diverged: loss NaN"),
        stdout.toString());
    BenchStore stored = BenchStore.open(out);
    assertEquals(BenchStore.Status.DIVERGED, stored.all().get(0).status());
    assertTrue(Files.readString(out.resolve(BenchStore.FILE_NAME)).contains("\"status\":\"diverged\""),
        "the stored text is unchanged");
  }

  @Test
  void anErrorOnResumeThatIsNotAboutTheCheckpointPropagatesAndKeepsIt() throws IOException {
    IllegalArgumentException unrelated = new IllegalArgumentException("model (rnn) must be one of mlp, cnn");
    BenchRunner runner = runner((config, listener, data, resume) -> {
      if (resume) {
        throw unrelated;
      }
      throw new AssertionError("the configuration must not start over");
    });
    Path checkpoint = checkpointFile(runner);
    Files.writeString(checkpoint, "progress worth keeping");
    assertSame(unrelated, assertThrows(IllegalArgumentException.class,
        () -> runner.clr4j("mlp", BenchPolicy.FIXED, SCHEDULE, 0.01, 42, 1)));
    assertTrue(Files.exists(checkpoint), "the checkpoint is kept");
  }

  @Test
  void aCorruptCheckpointIsRejectedByTheLibraryAndTheConfigurationTrainsFromTheStart() throws IOException {
    BenchRunner runner = runner(BenchRunner.LIBRARY);
    Path checkpoint = checkpointFile(runner);
    Files.writeString(checkpoint, "not a checkpoint", StandardCharsets.UTF_8);
    BenchStore.Result r = runner.clr4j("mlp", BenchPolicy.FIXED, SCHEDULE, 0.01, 42, 1);
    assertEquals(BenchStore.Status.COMPLETED, r.status());
    assertEquals(1, r.epochResults.size());
    assertTrue(stdout.toString().contains("mlp fixed lr 0.0100 seed 42: checkpoint not resumed (checkpoint "),
        stdout.toString());
    assertTrue(stdout.toString().contains("is corrupt (CRC mismatch)); training it from the start"),
        stdout.toString());
    assertFalse(Files.exists(checkpoint.getParent()), "a finished configuration leaves no checkpoint");
  }

  @Test
  void storedResultsOfEarlierBenchesLoadWithTheirTextKinds(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(BenchStore.FILE_NAME), String.join("\n",
        "{\"id\":\"a\",\"kind\":\"clr4j\",\"model\":\"mlp\",\"policy\":\"triangular_decay\",\"status\":\"completed\"}",
        "{\"id\":\"b\",\"kind\":\"pytorch\",\"model\":\"mlp\",\"policy\":\"onecycle\",\"status\":\"completed\"}",
        "{\"id\":\"c\",\"kind\":\"range_test\",\"model\":\"mlp\",\"policy\":\"range_test\",\"status\":\"completed\"}",
        "{\"id\":\"d\",\"kind\":\"clr4j\",\"model\":\"mlp\",\"policy\":\"fixed\",\"status\":\"diverged\"}",
        "{\"id\":\"e\",\"kind\":\"clr4j\",\"model\":\"mlp\",\"policy\":\"fixed\",\"status\":\"exploded\"}", ""));
    BenchStore store = BenchStore.open(dir);
    assertEquals(4, store.size());
    assertEquals(1, store.unreadable(), "an unknown status is read as unreadable: that configuration runs again");
    assertEquals(List.of(BenchStore.Kind.CLR4J, BenchStore.Kind.PYTORCH, BenchStore.Kind.RANGE_TEST,
        BenchStore.Kind.CLR4J), store.all().stream().map(BenchStore.Result::kind).toList());
    assertEquals(BenchPolicy.TRIANGULAR_DECAY, store.get("a").policy());
    assertEquals(BenchStore.Status.DIVERGED, store.get("d").status());
  }
}
