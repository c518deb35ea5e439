package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The items of issue 11, each reproduced as the user met it and checked fixed: small data, a range test that
 * cannot decide, huge sizes, two runs on one directory, overwriting, empty paths, a full disk, file-system errors
 * and Ctrl-C.
 */
class Issue11Test {
  @TempDir static Path shared;
  static Path irisFile;
  static String iris;

  @BeforeAll
  static void iris() throws IOException {
    irisFile = copyIris(shared);
    iris = "csv:" + irisFile + "?label=species";
  }

  /** sklearn's iris (150 rows, 3 species), from the test resources. */
  static Path copyIris(Path dir) throws IOException {
    Path file = dir.resolve("iris.csv");
    try (InputStream in = Issue11Test.class.getResourceAsStream("iris.csv")) {
      Files.copy(in, file);
    }
    return file;
  }

  static ScheduleCommandTest.Result run(String... args) {
    return ScheduleCommandTest.run(args);
  }

  /** One line on stderr, "clr4j: ...", no class name or stack trace. */
  static String oneLine(ScheduleCommandTest.Result r) {
    String[] lines = r.errLines();
    assertEquals(1, lines.length, "one line on stderr: " + r.err());
    assertTrue(lines[0].startsWith("clr4j: "), lines[0]);
    assertFalse(lines[0].matches(".*(Exception|java\\.|\\tat ).*"), lines[0]);
    return lines[0];
  }

  /** A short train run on iris into {@code out}; options in {@code more} replace the defaults given here. */
  private static String[] train(Path out, String... more) {
    String[] base = {"--data", iris, "--model", "mlp", "--threads", "1", "--schedule",
        "onecycle(max=0.05, total=8)", "--epochs", "2", "--batch-size", "32", "--out", out.toString()};
    List<String> given = List.of(more);
    List<String> a = new ArrayList<>(List.of("train"));
    for (int i = 0; i < base.length; i += 2) {
      if (!given.contains(base[i])) {
        a.add(base[i]);
        a.add(base[i + 1]);
      }
    }
    a.addAll(given);
    return a.toArray(String[]::new);
  }

  // ---- 1: small data ----

  @Test
  void item1IrisTrainsWithDefaultsAndFindSuggestsBounds(@TempDir Path tmp) {
    // Default batch (128) and hold-out (1000) used to crash the range test: Index 96 out of bounds for length 96.
    ScheduleCommandTest.Result r = run("train", "--data", iris, "--model", "mlp", "--epochs", "10", "--threads", "1",
        "--out", tmp.resolve("train").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("range test:"), r.out());
    assertTrue(r.out().contains("note: the range test trains on batches of 96"), r.out());
    assertTrue(r.out().matches("(?s).*final test accuracy \\d+\\.\\d\\d%.*"), r.out());
    ScheduleCommandTest.Result f = run("find", "--data", iris, "--threads", "1", "--out",
        tmp.resolve("find").toString());
    assertEquals(0, f.code(), f.err());
    assertTrue(f.out().contains("chosen ("), f.out());
    // Two epochs of one step (batch 128 cut to 120) are too few for a 1cycle: a note, not a failure.
    assertTrue(f.out().contains("note: no schedule printed: --policy onecycle cannot fill 2 step(s)"), f.out());
    ScheduleCommandTest.Result v = run("find", "--data", iris, "--threads", "1", "--validation", "100000",
        "--range-steps", "30", "--out", tmp.resolve("find-v").toString());
    assertEquals(0, v.code(), v.err());
    assertTrue(v.out().contains("holds out 24 of the 120 training samples"), v.out());
  }

  // ---- 2: a range test whose method cannot decide ----

  @Test
  void item2ALossThatNeverBlowsUpFallsBackWithAReasonOrFailsInCliTerms(@TempDir Path tmp) {
    // Up to --end-lr 1e-3 the loss cannot blow up: divergence cannot decide.
    ScheduleCommandTest.Result r = run("find", "--data", iris, "--threads", "1", "--end-lr", "0.001",
        "--range-steps", "40", "--out", tmp.resolve("a").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("note: the divergence method cannot suggest bounds: the loss never blew up up to "
        + "--end-lr 0.00100"), r.out());
    assertTrue(r.out().contains("instead (choose with --method)"), r.out());
    ScheduleCommandTest.Result m = run("find", "--data", iris, "--threads", "1", "--end-lr", "0.001",
        "--range-steps", "40", "--method", "divergence", "--out", tmp.resolve("b").toString());
    assertEquals(1, m.code(), m.err());
    String line = oneLine(m);
    assertTrue(line.contains("--method divergence cannot suggest bounds") && line.contains("raise --end-lr"), line);
    assertFalse(line.contains("endLr") || line.contains("internal error"), line);
    assertFalse(Files.exists(tmp.resolve("b").resolve("range-test.json")));
  }

  // ---- 3: batch sizes beyond the data ----

  @Test
  void item3AHugeBatchIsCutToTheData(@TempDir Path tmp) {
    ScheduleCommandTest.Result r = run(train(tmp.resolve("o"), "--batch-size", "2147483647", "--epochs", "1",
        "--schedule", "constant(lr=0.01)"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("note: --batch-size 2147483647 is more than the 120 training samples; using 120"),
        r.out());
    assertTrue(r.out().contains(", 1 steps,") || r.out().contains(" 1 steps"), r.out());
    ScheduleCommandTest.Result sci = run(train(tmp.resolve("p"), "--batch-size", "2e9"));
    assertEquals(2, sci.code());
    assertTrue(oneLine(sci).contains("--batch-size"));
  }

  // ---- 4: schedule sizes and depth ----

  @Test
  void item4HugeStepCountsAreRefusedAtOnce(@TempDir Path tmp) {
    ScheduleCommandTest.Result r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("schedule",
        "onecycle(max=0.1, total=100)", "--steps", "9223372036854775807", "--plot", tmp.resolve("x.png").toString()));
    assertEquals(2, r.code());
    assertTrue(oneLine(r).contains("--steps (9223372036854775807) must be <= 1000000000"));
    assertFalse(Files.exists(tmp.resolve("x.png")));
    // The plot thinner's stretch size no longer overflows (it kept every point: OutOfMemoryError).
    SchedulePlot.Thinner t = new SchedulePlot.Thinner(Long.MAX_VALUE);
    for (long s = 0; s < 100_000; s++) {
      t.add(s, s);
    }
    t.finish();
    assertTrue(t.size() <= 2, "points kept: " + t.size());
  }

  @Test
  void item4AClosedPipeStopsTheCsvAtOnce() {
    // `clr4j schedule ... --steps 1e9 | head -3`: the reader goes away after a few lines.
    Writer closedAfterALittle = new Writer() {
      int written;

      @Override
      public void write(char[] buf, int off, int len) throws IOException {
        written += len;
        if (written > 100) {
          throw new IOException("Broken pipe");
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    StringWriter err = new StringWriter();
    int code = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Clr4j.run(new PrintWriter(closedAfterALittle),
        new PrintWriter(err), "schedule", "triangular(base=0.001, max=0.006, up=2000)", "--steps", "1e9"));
    assertEquals(0, code);
    assertEquals("", err.toString());
  }

  @Test
  void item4ASpecNested3000LevelsIsOneLine() {
    String spec = "warmup(steps=1, then=".repeat(3000) + "constant(lr=0.1)" + ")".repeat(3000);
    ScheduleCommandTest.Result r = run("schedule", spec, "--steps", "3");
    assertEquals(2, r.code());
    assertTrue(oneLine(r).contains("nest more than 64 levels deep"));
  }

  // ---- 5, 6, 7, 8: one run per directory, nothing overwritten without being asked ----

  @Test
  void item5ASecondRunOnTheSameDirectoryIsRefusedAndTheFirstsResultsStayIntact(@TempDir Path tmp)
      throws IOException {
    Path out = tmp.resolve("run");
    assertEquals(0, run(train(out)).code());
    byte[] record = Files.readAllBytes(out.resolve("run.json"));
    byte[] checkpoint = Files.readAllBytes(out.resolve("checkpoint").resolve(TrainCommand.CHECKPOINT));
    // A run holding the directory, as the first of two concurrent runs does.
    try (RunDirectory held = RunDirectory.lock("--out", out)) {
      ScheduleCommandTest.Result second = run(train(out, "--resume"));
      assertEquals(2, second.code(), second.err());
      assertTrue(oneLine(second).contains("--out (" + out + ") is in use by another clr4j run"), second.err());
      ScheduleCommandTest.Result fresh = run(train(out, "--overwrite"));
      assertEquals(2, fresh.code(), fresh.err());
    }
    assertArrayEquals(record, Files.readAllBytes(out.resolve("run.json")));
    assertArrayEquals(checkpoint, Files.readAllBytes(out.resolve("checkpoint").resolve(TrainCommand.CHECKPOINT)));
    // The same for a shared --checkpoint-dir under two different --out.
    Path ckpt = tmp.resolve("ckpt");
    try (RunDirectory held = RunDirectory.lock("--checkpoint-dir", ckpt)) {
      ScheduleCommandTest.Result other = run(train(tmp.resolve("other"), "--checkpoint-dir", ckpt.toString()));
      assertEquals(2, other.code(), other.err());
      assertTrue(oneLine(other).contains("--checkpoint-dir (" + ckpt + ") is in use"), other.err());
    }
    // Released when a run ends: the next run may take the directory.
    assertEquals(0, run(train(out, "--resume")).code());
  }

  @Test
  void item5ALockOfAKilledProcessIsNotStuck(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("run");
    Process p = javaProcess(LockHolder.class.getName(), dir.toString()).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("locked", r.readLine());
      ScheduleCommandTest.Result refused = run(train(dir));
      assertEquals(2, refused.code());
      assertTrue(oneLine(refused).contains("is in use by another clr4j run (pid " + p.pid() + ")"), refused.err());
      p.destroyForcibly(); // kill -9: no chance to clean up
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    try (RunDirectory taken = RunDirectory.lock("--out", dir)) {
      assertEquals(dir, taken.dir());
    }
  }

  /** Holds a run directory's lock until killed. */
  static final class LockHolder {
    public static void main(String[] args) throws InterruptedException {
      RunDirectory held = RunDirectory.lock("--out", Path.of(args[0]));
      System.out.println("locked");
      System.out.flush();
      Thread.sleep(120_000);
      held.close();
    }
  }

  @Test
  void item6ARerunWithoutResumeLeavesTheCheckpointAloneUntilAskedToStartOver(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("run");
    assertEquals(0, run(train(out)).code());
    Path ckptFile = out.resolve("checkpoint").resolve(TrainCommand.CHECKPOINT);
    byte[] checkpoint = Files.readAllBytes(ckptFile);
    ScheduleCommandTest.Result again = run(train(out));
    assertEquals(2, again.code());
    String line = oneLine(again);
    assertTrue(line.contains("already holds the results of an earlier run") && line.contains("--resume")
        && line.contains("--overwrite"), line);
    assertArrayEquals(checkpoint, Files.readAllBytes(ckptFile));
    // A checkpoint alone (a run killed before it wrote results) is protected too.
    Path ckpt = tmp.resolve("ckpt");
    Files.createDirectories(ckpt);
    Files.copy(ckptFile, ckpt.resolve(TrainCommand.CHECKPOINT));
    ScheduleCommandTest.Result alone = run(train(tmp.resolve("new"), "--checkpoint-dir", ckpt.toString()));
    assertEquals(2, alone.code());
    assertTrue(oneLine(alone).contains("--checkpoint-dir (" + ckpt + ") holds the checkpoint of an earlier run"));
    // Starting over is a choice the user makes.
    ScheduleCommandTest.Result over = run(train(out, "--overwrite", "--epochs", "1"));
    assertEquals(0, over.code(), over.err());
    assertEquals(2, run(train(out, "--overwrite", "--resume")).code());
  }

  @Test
  void item7AnEmptyOutIsRefused() {
    for (String option : new String[] {"--out", "--checkpoint-dir"}) {
      ScheduleCommandTest.Result r = run("train", "--data", iris, option, "");
      assertEquals(2, r.code(), option);
      assertTrue(oneLine(r).contains(option + " must not be empty"), r.err());
    }
    ScheduleCommandTest.Result f = run("find", "--data", iris, "--out", " ");
    assertEquals(2, f.code());
    assertTrue(oneLine(f).contains("--out must not be empty"), f.err());
  }

  @Test
  void item8ResumeWithoutACheckpointIsRefused(@TempDir Path tmp) throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    ScheduleCommandTest.Result r = run(train(tmp.resolve("a"), "--resume", "--checkpoint-dir", empty.toString()));
    assertEquals(2, r.code());
    assertTrue(oneLine(r).contains("--resume: --checkpoint-dir (" + empty + ") holds no checkpoint"), r.err());
    ScheduleCommandTest.Result missing = run(train(tmp.resolve("b"), "--resume"));
    assertEquals(2, missing.code());
    assertTrue(oneLine(missing).contains("holds no checkpoint"), missing.err());
    assertFalse(Files.exists(tmp.resolve("b").resolve("run.json")));
  }

  @Test
  void item8AResumeWithOtherDataOrThreadsIsRefusedNamingTheDifference(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("run");
    ScheduleCommandTest.Result first = run(train(out, "--epochs", "1", "--schedule", "onecycle(max=0.05, total=4)"));
    assertEquals(0, first.code(), first.err());
    ScheduleCommandTest.Result threads = run(train(out, "--epochs", "1", "--schedule", "onecycle(max=0.05, total=4)",
        "--resume", "--threads", "2"));
    assertEquals(2, threads.code());
    assertTrue(oneLine(threads).contains("was made with threads=1, but this run has threads=2"), threads.err());
    // The same rows but one: another fingerprint.
    List<String> rows = Files.readAllLines(irisFile);
    Path fewer = tmp.resolve("iris-149.csv");
    Files.write(fewer, rows.subList(0, rows.size() - 1));
    ScheduleCommandTest.Result data = run(train(out, "--epochs", "1", "--schedule", "onecycle(max=0.05, total=4)",
        "--resume", "--data", "csv:" + fewer + "?label=species"));
    assertEquals(2, data.code());
    assertTrue(oneLine(data).contains("was made with data="), data.err());
  }

  // ---- 10: a run that ends in NaN, a schedule shorter than the run ----

  @Test
  void item10AHugeRateEndsAsDivergedNotCompleted(@TempDir Path tmp) {
    ScheduleCommandTest.Result r = run(train(tmp.resolve("run"), "--schedule", "constant(lr=1e30)"));
    assertEquals(1, r.code(), r.out());
    assertTrue(oneLine(r).contains("training diverged"), r.err());
  }

  @Test
  void item10AScheduleShorterThanTheRunIsNoted(@TempDir Path tmp) {
    ScheduleCommandTest.Result r = run(train(tmp.resolve("run"), "--schedule", "onecycle(max=0.05, total=5)"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("note: the schedule ends at step 5 of the run's 8 steps"), r.out());
  }

  // ---- 9: a full disk ----

  @Test
  void item9AFullDiskLeavesNoTruncatedFileAndNamesTheFile(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("run");
    Outputs.streams = os -> new OutputStream() {
      long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (written + len > 200) {
          throw new IOException("No space left on device");
        }
        written += len;
        os.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        os.close();
      }
    };
    ScheduleCommandTest.Result r;
    try {
      r = run(train(out, "--no-checkpoint"));
    } finally {
      Outputs.streams = java.util.function.UnaryOperator.identity();
    }
    assertEquals(1, r.code(), r.err());
    assertEquals("clr4j: cannot write " + out.resolve("steps.csv") + ": no space left on device", oneLine(r));
    try (Stream<Path> files = Files.list(out)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(List.of(RunDirectory.LOCK_FILE), names, "no steps.csv, no run.json, no temporary file");
    }
  }

  // ---- 11: file-system problems ----

  @Test
  void item11FileSystemProblemsAreOneLineInUserTermsWithExitCode2(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path dir = Files.createDirectories(tmp.resolve("dir.png"));
    Path binary = Files.write(tmp.resolve("binary.csv"), new byte[] {(byte) 0xC3, 0x28, 0, (byte) 0xff, 10, 10});
    String[][] cases = {
        {"train", "--data", iris, "--out", "/proc/x"},
        {"find", "--data", iris, "--out", file.toString()},
        {"train", "--data", iris, "--out", tmp.resolve("o").toString(), "--checkpoint-dir", file.toString()},
        {"schedule", "constant(lr=1)", "--steps", "3", "--plot", dir.toString()},
        {"schedule", "constant(lr=1)", "--steps", "3", "--plot", "/proc/x.png"},
        {"train", "--data", "csv:" + tmp + "?label=species", "--out", tmp.resolve("o").toString()},
        {"train", "--data", "csv:" + binary, "--out", tmp.resolve("o").toString()},
        {"train", "--data", "fashion-mnist", "--data-dir", tmp.resolve("nowhere").toString()},
        {"train", "--data", "fashion-mnist", "--data-dir", file.toString()},
    };
    String[] expected = {"--out (/proc/x)", "--out (" + file + ") is a file", "--checkpoint-dir (" + file
        + ") is a file", "--plot (" + dir + ") is a directory", "--plot (/proc/x.png): cannot write in /proc",
        "csv:" + tmp + ": is a directory", "csv:" + binary + ": cannot read: not UTF-8 text",
        "--data-dir (" + tmp.resolve("nowhere") + ") does not exist", "--data-dir (" + file + ") is not a directory"};
    for (int i = 0; i < cases.length; i++) {
      ScheduleCommandTest.Result r = run(cases[i]);
      assertEquals(2, r.code(), String.join(" ", cases[i]) + " -> " + r.err());
      String line = oneLine(r);
      assertTrue(line.contains(expected[i]), expected[i] + " in " + line);
    }
    assertFalse(Files.exists(tmp.resolve("o").resolve("run.json")));
  }

  @Test
  void item11CtrlCSavesTheCheckpointPrintsWhereItStoppedAndExitsWith143OnSigterm(@TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("run");
    Path data = copyIris(tmp);
    Process p = javaProcess(Clr4j.class.getName(), "train", "--data", "csv:" + data + "?label=species",
        "--model", "mlp", "--threads", "1", "--schedule", "constant(lr=0.01)", "--epochs", "1000000",
        "--batch-size", "8", "--out", out.toString()).redirectError(tmp.resolve("stderr.txt").toFile()).start();
    StringBuilder stdout = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean signalled = false;
      while ((line = r.readLine()) != null) {
        stdout.append(line).append('\n');
        if (!signalled && line.matches("\\s+3 .*")) {
          // SIGTERM, which runs the same shutdown path as Ctrl-C (Process.destroy would also close our pipes).
          assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
          signalled = true;
        }
      }
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    stdout.append(Files.readString(tmp.resolve("stderr.txt")).lines().filter(l -> !l.contains("steps/s"))
        .reduce("", (a, b) -> a + b + "\n"));
    assertEquals(143, p.exitValue(), stdout.toString());
    assertTrue(stdout.toString().matches("(?s).*interrupted at step \\d+; continue with the same command and "
        + "--resume.*"), stdout.toString());
    assertTrue(Files.exists(out.resolve("checkpoint").resolve(TrainCommand.CHECKPOINT)));
    assertTrue(Files.exists(out.resolve("run.json")));
  }

  @Test
  void theExitCodeContractIsInEveryHelp() {
    for (String[] help : new String[][] {{"--help"}, {"train", "--help"}, {"find", "--help"},
        {"schedule", "--help"}}) {
      ScheduleCommandTest.Result r = run(help);
      assertEquals(0, r.code());
      String text = r.out().replaceAll("\\s+", " ");
      assertTrue(text.contains("Exit codes: 0 done; 1 the run failed") && text.contains("2 bad input")
          && text.contains("130 or 143 interrupted"), String.join(" ", help) + ": " + r.out());
    }
  }

  static ProcessBuilder javaProcess(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }
}
