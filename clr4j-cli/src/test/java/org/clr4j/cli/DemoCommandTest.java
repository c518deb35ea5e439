package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clr4j.djl.train.TrainingDivergedException;
import org.clr4j.rangetest.Bounds;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clr4j demo} end to end on a slice of the embedded data, plus its option errors. */
class DemoCommandTest {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Clr4j.execute(Clr4j.commandLine(), new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void runsTheWholeDemoAndWritesTheReport(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("demo");
    Result r = run("demo", "--model", "mlp", "--train-samples", "1000", "--test-samples", "200", "--epochs", "2",
        "--range-steps", "30", "--threads", "1", "--out", out.toString());
    assertEquals(0, r.code(), r.err());

    // The comparison table: a header with the three runs, one row per epoch, then final/best/time/throughput.
    List<String> lines = r.out().lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.matches("\\s+epoch\\s+fixed lr\\s+triangular2\\s+1cycle"))
        .findFirst().orElseThrow(() -> new AssertionError("no table header in:\n" + r.out())));
    assertTrue(lines.get(header + 1).matches("\\s+1\\s+\\d+\\.\\d\\d%\\s+\\d+\\.\\d\\d%\\s+\\d+\\.\\d\\d%"),
        lines.get(header + 1));
    assertTrue(lines.get(header + 2).matches("\\s+2(\\s+\\d+\\.\\d\\d%){3}"), lines.get(header + 2));
    assertTrue(lines.get(header + 3).matches("\\s+final(\\s+\\d+\\.\\d\\d%){3}"), lines.get(header + 3));
    assertTrue(lines.get(header + 5).strip().startsWith("train s"), lines.get(header + 5));
    assertTrue(lines.get(header + 6).strip().startsWith("samples/s"), lines.get(header + 6));
    assertEquals(2, lines.stream().filter(l -> l.startsWith("verdict: ")).count(), r.out());
    assertTrue(r.out().contains("constant(lr="), r.out());
    assertTrue(r.out().contains("triangular2(base="), r.out());
    assertTrue(r.out().contains("onecycle(max="), r.out());

    // The HTML references its PNGs, and every PNG there is (top level and per run) is a PNG.
    String html = Files.readString(out.resolve("index.html"));
    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    int images = 0;
    while (m.find()) {
      assertPng(out.resolve(m.group(1)));
      images++;
    }
    assertEquals(4, images, html);
    for (String png : List.of("range-test.png", "accuracy.png", "schedules.png", "loss.png")) {
      assertTrue(html.contains("src=\"" + png + "\""), png);
    }
    for (String run : List.of("fixed", "triangular2", "onecycle")) {
      for (String png : List.of("lr.png", "loss.png", "accuracy.png")) {
        assertPng(out.resolve(run).resolve(png));
      }
      List<String> steps = Files.readAllLines(out.resolve(run).resolve("steps.csv"));
      assertEquals("step,lr,momentum,loss,samples_per_second", steps.get(0));
      assertEquals(1 + 2 * 8, steps.size(), run); // 1000 samples / batch 128 = 8 steps per epoch
      assertEquals(3, Files.readAllLines(out.resolve(run).resolve("epochs.csv")).size(), run);
    }
    assertTrue(html.contains("clr4j demo --model mlp --train-samples 1000"), "reproduce command missing");

    // demo.json: the run record with three runs, each with its spec and per-epoch accuracy.
    JsonObject json = JsonParser.parseString(Files.readString(out.resolve("demo.json"), StandardCharsets.UTF_8))
        .getAsJsonObject();
    assertEquals("demo", json.get("command").getAsString());
    assertTrue(json.getAsJsonObject("environment").has("java"));
    JsonArray runs = json.getAsJsonArray("runs");
    assertEquals(3, runs.size());
    assertEquals(List.of("fixed", "triangular2", "onecycle"),
        runs.asList().stream().map(e -> e.getAsJsonObject().get("policy").getAsString()).toList());
    for (var e : runs) {
      JsonObject run = e.getAsJsonObject();
      assertEquals("COMPLETED", run.get("status").getAsString());
      JsonArray epochs = run.getAsJsonArray("epoch_results");
      assertEquals(2, epochs.size());
      double acc = epochs.get(1).getAsJsonObject().get("test_accuracy").getAsDouble();
      assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
      assertEquals(acc, run.get("final_accuracy").getAsDouble());
      // The spec string in the record is the schedule that ran: it parses back to itself.
      String spec = run.get("spec").getAsString();
      assertEquals(spec, org.clr4j.schedule.Schedule.parse(spec).toString());
      assertTrue(html.contains(DemoReport.esc(spec)), spec);
    }
    // Same budget and data order for all three: equal step counts, and the fixed run at the bounds' log-midpoint.
    JsonObject rt = json.getAsJsonObject("range_test");
    double lower = rt.get("lower").getAsDouble();
    double upper = rt.get("upper").getAsDouble();
    assertEquals("constant(lr=" + org.clr4j.Checks.format(DemoCommand.geometricMean(new Bounds(lower, upper))) + ")",
        runs.get(0).getAsJsonObject().get("spec").getAsString());
    assertTrue(Files.exists(out.resolve("range-test.csv")));
  }

  /** --weight-decay auto: the search after the range test, its choice in the runs' optimizer and in demo.json. */
  @Test
  void autoWeightDecayChoosesBeforeTheRunsAndTheReportSaysWhy(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("demo");
    Result r = run("demo", "--model", "mlp", "--train-samples", "600", "--test-samples", "100", "--epochs", "1",
        "--range-steps", "30", "--threads", "1", "--weight-decay", "auto", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("weight decay: 4 short runs"), r.out());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("weight decay: ([0-9.e-]+) \\(lowest mean held-out "
        + "loss").matcher(r.out());
    assertTrue(m.find(), r.out());
    String json = Files.readString(out.resolve("demo.json"));
    assertTrue(json.contains("\"weight_decay_search\""), json);
    assertTrue(json.contains("weight_decay=" + m.group(1) + ","), m.group(1) + " in " + json);
  }

  @Test
  void geometricMeanIsTheLogMidpointToTwoDigits() {
    assertEquals(0.02, DemoCommand.geometricMean(new Bounds(0.01, 0.04)));
    assertEquals(0.0071, DemoCommand.geometricMean(new Bounds(0.005, 0.01)));
  }

  @Test
  void aDivergedRunIsShownButAnyOtherIllegalStateExceptionPropagates() {
    DemoCommand.Run diverged = new DemoCommand.Run("fixed", "fixed lr", Schedule.parse("constant(lr=10)"));
    DemoCommand.recordOutcome(diverged, () -> {
      throw new TrainingDivergedException("training diverged: loss NaN at step 3 (lr 10.0)", 3, 10.0);
    });
    assertEquals("training diverged: loss NaN at step 3 (lr 10.0)", diverged.failure);
    DemoCommand.Run bug = new DemoCommand.Run("fixed", "fixed lr", Schedule.parse("constant(lr=0.1)"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> DemoCommand.recordOutcome(bug, () -> {
      throw new IllegalStateException("schedule gives lr (NaN) at step 3; it must be finite and >= 0");
    }));
    assertFalse(e instanceof TrainingDivergedException);
    assertEquals(null, bug.failure, "a bug is not shown as a diverged run");
  }

  @Test
  void badEpochsIsAUsageErrorOnOneLine() {
    Result r = run("demo", "--epochs", "0");
    assertEquals(2, r.code());
    assertEquals("", r.out());
    List<String> lines = r.err().lines().toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith("clr4j: --epochs (0)"), lines.get(0));
  }

  @Test
  void badFixedLrIsAUsageError() {
    Result r = run("demo", "--fixed-lr", "fast");
    assertEquals(2, r.code());
    assertEquals(List.of("clr4j: --fixed-lr (fast) must be 'auto' or a number, e.g. 0.05"), r.err().lines().toList());
  }

  @Test
  void helpShowsTheDemoDefaults() {
    Result r = run("demo", "--help");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Default: " + DemoCommand.DEFAULT_MODEL + "."), r.out());
    assertTrue(r.out().contains("Default: clr4j-demo"), r.out());
    assertFalse(r.out().isBlank());
  }

  private static void assertPng(Path file) throws IOException {
    assertTrue(Files.isRegularFile(file), file + " missing");
    try (InputStream in = Files.newInputStream(file)) {
      assertArrayEquals(PNG_MAGIC, in.readNBytes(8), file + " is not a PNG");
    }
  }
}
