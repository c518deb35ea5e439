package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** find and train end to end on a tiny CSV dataset, and their answers to bad input. */
class TrainAndFindCommandTest {
  @TempDir static Path tmp;
  static String data;

  @BeforeAll
  static void tinyCsv() throws IOException {
    // Three well separated classes in 4 features: learnable in a few steps.
    StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
    Random r = new Random(1);
    for (int i = 0; i < 300; i++) {
      int y = i % 3;
      csv.append(y + r.nextGaussian() * 0.3).append(',').append(-y + r.nextGaussian() * 0.3).append(',')
          .append(r.nextGaussian()).append(',').append(y * 2 + r.nextGaussian() * 0.3).append(',')
          .append("class").append(y).append('\n');
    }
    Path file = tmp.resolve("tiny.csv");
    Files.writeString(file, csv);
    data = "csv:" + file;
  }

  @Test
  void trainWritesTheRunRecordTheLogsAndThePlots(@TempDir Path out) throws IOException {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run("train", "--data", data, "--model", "mlp", "--batch-size",
        "16", "--schedule", "onecycle(max=0.1, total=45)", "--epochs", "3", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("schedule: onecycle(max=0.1, total=45"), r.out());
    assertTrue(r.out().contains("final test accuracy"), r.out());
    for (String f : new String[] {"run.json", "steps.csv", "epochs.csv", "lr.png", "loss.png", "accuracy.png",
        "checkpoint/checkpoint.clr4j", "checkpoint/schedule.txt"}) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    String record = Files.readString(out.resolve("run.json"));
    for (String key : new String[] {"\"schedule\"", "\"seed\"", "\"environment\"", "\"java\"", "\"arch\"",
        "\"data\"", "\"epoch_results\""}) {
      assertTrue(record.contains(key), key + " in " + record);
    }
    assertEquals(46, Files.readAllLines(out.resolve("steps.csv")).size()); // header + 45 steps
  }

  @Test
  void trainWithAutoBoundsRunsTheRangeTestFirstAndResumeContinues(@TempDir Path out) throws IOException {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run("train", "--data", data, "--model", "mlp", "--batch-size",
        "16", "--policy", "triangular2", "--bounds", "auto", "--epochs", "2", "--range-steps", "40",
        "--eval-every", "4", "--validation", "40", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("range test:"), r.out());
    assertTrue(r.out().contains("schedule: triangular2("), r.out());
    assertTrue(Files.exists(out.resolve("range-test.png")));
    // Resuming a finished run re-reads its schedule and has nothing left to do.
    ScheduleCommandTest.Result again = ScheduleCommandTest.run("train", "--data", data, "--model", "mlp",
        "--batch-size", "16", "--epochs", "2", "--resume", "--out", out.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resuming with the checkpoint's schedule"), again.out());
  }

  @Test
  void aDivergingRunSaysSoInOneLine(@TempDir Path out) {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run("train", "--data", data, "--model", "mlp", "--batch-size",
        "16", "--schedule", "constant(lr=1e6)", "--epochs", "2", "--no-checkpoint", "--out", out.toString());
    assertEquals(1, r.code(), r.err());
    String err = r.err().strip();
    assertTrue(err.startsWith("clr4j: training diverged: loss "), err);
    assertFalse(err.contains("\n") || err.contains("internal error"), err);
  }

  @Test
  void findPrintsEveryMethodAndAReadySpec(@TempDir Path out) {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run("find", "--data", data, "--model", "mlp", "--batch-size",
        "16", "--range-steps", "40", "--eval-every", "4", "--validation", "40", "--policy", "triangular",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    for (String method : new String[] {"steepest", "min_div_10", "minimum", "divergence", "valley", "accuracy"}) {
      assertTrue(r.out().contains(method), method + " in " + r.out());
    }
    assertTrue(r.out().contains("  triangular(base="), r.out());
    assertTrue(Files.exists(out.resolve("range-test.csv")));
    assertTrue(Files.exists(out.resolve("range-test.json")));
    assertTrue(Files.exists(out.resolve("range-test.png")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"find", "train"})
  void everyCommandHasHelp(String command) {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(command, "--help");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Usage: clr4j " + command), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "train --epochs 0", "train --bounds 1:x", "train --bounds 0.2:0.1", "train --policy foo",
      "train --model resnet", "train --optimizer rmsprop", "train --target-acc 91", "train --resume --no-checkpoint",
      "train --data nowhere", "train --schedule triangular(base=1)", "train --batch-size 0", "train --threads 0",
      "find --method magic", "find --policy foo", "find --range-steps 1", "find --start-lr -1",
      "train --momentum 1.5", "train --data csv:/no/such/file.csv"})
  void badInputIsOneLineAndExitCode2(String line) {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(line.split(" "));
    assertEquals(2, r.code(), line + " -> " + r.err());
    String err = r.err().strip();
    assertTrue(err.startsWith("clr4j: "), err);
    assertFalse(err.contains("\n"), "one line: " + err);
    assertFalse(err.contains("Exception") || err.contains("\tat "), err);
  }
}
