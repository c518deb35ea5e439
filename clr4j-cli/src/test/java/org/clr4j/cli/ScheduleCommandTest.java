package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleCommandTest {

  /** What one in-process run of {@code clr4j} produced. */
  record Result(int code, String out, String err) {
    String[] errLines() {
      return err.lines().toArray(String[]::new);
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Clr4j.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** The CSV must hold, step for step, exactly the numbers the schedule computes. */
  private static void assertCsvMatches(String spec, int steps, String csv) {
    Schedule schedule = Schedule.parse(spec);
    String[] lines = csv.split("\n");
    assertEquals("step,lr,momentum", lines[0]);
    assertEquals(steps + 1, lines.length, "one line per step plus the header");
    for (int step = 0; step < steps; step++) {
      String[] f = lines[step + 1].split(",", -1);
      assertEquals(3, f.length, lines[step + 1]);
      assertEquals(step, Long.parseLong(f[0]));
      // Exact equality: the printed text must parse back to the very same double.
      assertEquals(schedule.valueAt(step), Double.parseDouble(f[1]), 0.0, "lr at step " + step);
      double m = schedule.momentumAt(step);
      if (Double.isNaN(m)) {
        assertEquals("", f[2], "momentum at step " + step);
      } else {
        assertEquals(m, Double.parseDouble(f[2]), 0.0, "momentum at step " + step);
      }
    }
  }

  @Test
  void onecycleCsvEqualsScheduleValues() {
    String spec = "onecycle(max=0.1, total=1000, anneal=linear, phases=3)";
    Result r = run("schedule", spec, "--steps", "1000");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertCsvMatches(spec, 1000, r.out());
    assertFalse(r.out().lines().skip(1).anyMatch(l -> l.endsWith(",")), "1cycle cycles momentum at every step");
  }

  @Test
  void onecycleStepsDefaultToItsTotal() {
    Result r = run("schedule", "onecycle(max=0.1,total=37)");
    assertEquals(0, r.code(), r.err());
    assertCsvMatches("onecycle(max=0.1,total=37)", 37, r.out());
  }

  @Test
  void triangular2WithMomentumCsvEqualsScheduleValues() {
    String spec = "triangular2(base=0.001, max=0.006, up=7, down=5, momentum=0.85:0.95)";
    Result r = run("schedule", spec, "-n", "100");
    assertEquals(0, r.code(), r.err());
    assertCsvMatches(spec, 100, r.out());
  }

  @Test
  void momentumColumnIsEmptyWithoutMomentum() {
    Result r = run("schedule", "triangular(base=0.001, max=0.006, up=4)", "--steps", "20");
    assertEquals(0, r.code(), r.err());
    assertCsvMatches("triangular(base=0.001, max=0.006, up=4)", 20, r.out());
    assertTrue(r.out().lines().skip(1).allMatch(l -> l.endsWith(",")), r.out());
  }

  @Test
  void stepsAcceptsScientificNotation() {
    Result r = run("schedule", "constant(lr=0.5)", "--steps", "1e2");
    assertEquals(0, r.code(), r.err());
    assertEquals(101, r.out().lines().count());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "trianglar(base=0.001, max=0.006, up=4)",       // unknown name
      "triangular(bse=0.001, max=0.006, up=4)",       // unknown key
      "triangular(base=0.0x1, max=0.006, up=4)",      // bad number
      "triangular(base=0.001, max=0.006)",            // missing key
      "triangular(base=0.001, max=0.006, up=4, up=5)", // duplicate key
      "triangular(base=0.001, max=0.006, up=4",       // unbalanced parenthesis
      "onecycle(max=0.1, total=1000))",               // unbalanced parenthesis
      "triangular(base=0.01, max=0.006, up=4)",       // base > max
      "",                                             // empty
  })
  void malformedSpecIsOneLineAndExitTwo(String spec) {
    Result r = run("schedule", spec, "--steps", "10");
    assertUsageError(r);
    assertTrue(r.err().contains("schedule spec"), r.err());
    assertEquals("", r.out(), "nothing on stdout before the spec is known to be good");
  }

  @Test
  void badArgumentsAreOneLineAndExitTwo() {
    String spec = "triangular(base=0.001, max=0.006, up=4)";
    assertUsageError(run("schedule", spec, "--steps", "0"), "--steps (0) must be >= 1");
    assertUsageError(run("schedule", spec, "--steps", "-3"), "--steps (-3) must be >= 1");
    assertUsageError(run("schedule", spec, "--steps", "abc"), "'abc' is not a whole number");
    assertUsageError(run("schedule", spec, "--steps", "2.5"), "'2.5' is not a whole number");
    assertUsageError(run("schedule", spec), "--steps N is required");
    assertUsageError(run("schedule", "--steps", "5"), "<spec>");
    assertUsageError(run("schedule", spec, "--steps", "5", "--frobnicate"), "--frobnicate");
    assertUsageError(run("schedule", spec, "--steps", "5", "--plot", "x.gif"), "x.gif");
    assertUsageError(run("schedule", spec, "--steps", "5", "--log-y"), "--log-y");
    assertUsageError(run("schedule", spec, "--steps", "5", "--plot", "/no/such/dir/x.png"), "does not exist");
    assertUsageError(run(), "missing a command");
    assertUsageError(run("frobnicate"), "frobnicate");
  }

  @Test
  void parameterErrorsPointToTheCommandsHelp() {
    Result r = run("schedule", "constant(lr=1)", "--steps", "0");
    assertTrue(r.err().strip().endsWith("(see 'clr4j schedule --help')"), r.err());
  }

  private static void assertUsageError(Result r, String mentions) {
    assertUsageError(r);
    assertTrue(r.err().contains(mentions), "expected '" + mentions + "' in: " + r.err());
  }

  private static void assertUsageError(Result r) {
    assertEquals(2, r.code(), r.err());
    String[] lines = r.errLines();
    assertEquals(1, lines.length, "exactly one line on stderr, got: " + r.err());
    assertTrue(lines[0].startsWith("clr4j: "), lines[0]);
    assertFalse(lines[0].contains("Exception"), lines[0]);
    assertFalse(lines[0].contains("at org."), lines[0]);
  }

  @Test
  void plotsPng(@TempDir Path dir) throws IOException {
    Path png = dir.resolve("tri2.png");
    Result r = run("schedule", "triangular2(base=0.001, max=0.006, up=50, momentum=0.85:0.95)", "--steps", "400",
        "--plot", png.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(401, r.out().lines().count(), "the CSV is printed as well");
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
  }

  @Test
  void plotsSvgOfALongScheduleWithoutCsv(@TempDir Path dir) throws IOException {
    Path svg = dir.resolve("1cycle.SVG");
    Result r = run("schedule", "onecycle(max=0.1, total=200000)", "--plot", svg.toString(), "--no-csv", "--log-y");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
    String text = Files.readString(svg, StandardCharsets.UTF_8);
    assertTrue(text.contains("<svg"), text.substring(0, Math.min(200, text.length())));
  }

  @Test
  void logYRefusesAZeroLearningRate(@TempDir Path dir) {
    Result r = run("schedule", "cosine(lr=0.1, total=10)", "--steps", "20", "--plot",
        dir.resolve("c.png").toString(), "--log-y", "--no-csv");
    assertUsageError(r, "logarithmic");
  }

  @Test
  void helpAndVersionExitZero() {
    Result top = run("--help");
    assertEquals(0, top.code());
    assertTrue(top.out().contains("schedule"), top.out());
    Result help = run("schedule", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--steps") && help.out().contains("docs/SPEC.md"), help.out());
    Result version = run("--version");
    assertEquals(0, version.code());
    assertTrue(version.out().startsWith("clr4j 0."), version.out());
  }
}
