package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signal during work that saves nothing (the range test, before training) ends the run with a line saying so. */
class InterruptBeforeSavingTest {
  @Test
  void findSaysNothingWasWritten(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("find");
    String stderr = interruptDuringRangeTest(tmp, "find", "--out", out.toString());
    assertTrue(stderr.contains("clr4j: interrupted during the range test: nothing was written to " + out
        + "; run the command again"), stderr);
    assertFalse(Files.exists(out.resolve("range-test.json")));
  }

  @Test
  void trainSaysNothingWasSavedBeforeTrainingStarted(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("train");
    String stderr = interruptDuringRangeTest(tmp, "train", "--out", out.toString(), "--epochs", "1");
    assertTrue(stderr.contains("clr4j: interrupted before training started (range test or weight-decay search): "
        + "nothing was saved; run the command again"), stderr);
    assertFalse(Files.exists(out.resolve("run.json")));
  }

  @Test
  void demoSaysNothingWasWritten(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("demo");
    String stderr = interruptDuringRangeTest(tmp, "demo", "--out", out.toString(), "--epochs", "1");
    assertTrue(stderr.contains("clr4j: interrupted: the demo writes its report only when it ends, so nothing was "
        + "written; run it again"), stderr);
    assertFalse(Files.exists(out.resolve("index.html")));
  }

  @Test
  void benchSaysWhereWhatFinishedIsAndHowToResume(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("bench");
    String stderr = interruptDuringRangeTest(tmp, "bench", "--out", out.toString());
    assertTrue(stderr.contains("clr4j: interrupted during the range tests or the weight-decay search: what finished "
        + "is in " + out.resolve("results.jsonl") + "; run the same command to resume"), stderr);
    assertFalse(Files.exists(out.resolve("summary.md")));
  }

  /** Runs a range test long enough to be interrupted (one that never blows up), SIGTERMs it, returns its stderr. */
  private static String interruptDuringRangeTest(Path tmp, String command, String... more) throws Exception {
    Path data = Issue11Test.copyIris(tmp);
    List<String> args = new ArrayList<>(List.of(command, "--data", "csv:" + data + "?label=species",
        command.equals("bench") ? "--models" : "--model", "mlp", "--threads", "1", "--batch-size", "8", "--repeats", "1", "--range-steps", "100000", "--end-lr",
        "1e-3", "--eval-every", "0"));
    args.addAll(List.of(more));
    Path err = tmp.resolve("stderr-" + command + ".txt");
    Process p = Issue11Test.javaProcess(Clr4j.class.getName(), args.toArray(String[]::new))
        .redirectOutput(tmp.resolve("stdout-" + command + ".txt").toFile()).redirectError(err.toFile()).start();
    // The range test's progress bar (stderr) shows it has started.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(err) && Files.readString(err).contains("range test")) && p.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Thread.sleep(500);
    assertTrue(p.isAlive(), "the run ended before it could be interrupted: " + Files.readString(err));
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String stderr = Files.readString(err);
    assertEquals(143, p.exitValue(), stderr);
    return stderr;
  }
}
