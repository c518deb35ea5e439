package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's hostile-input check: a generated set of bad or edge arguments, schedule specs and files thrown at the
 * CLI in-process. Every case runs in a fresh directory and must end with its expected exit code (0 done, 1 the run
 * failed, 2 bad input), exactly one line on standard error when it fails (none when it succeeds), no Java class name
 * or stack trace, and no file written outside its --out (nor in the working directory). Most cases are refused
 * before any training; the few that train use iris (150 rows) for one epoch. Deterministic: fixed data, fixed
 * seeds, no timing.
 */
class HostileInputTest {
  /** Inputs shared by all cases (read-only to them). */
  @TempDir static Path fixtures;
  static Path iris;
  static Path tmpRoot;
  static int count;

  /** One case: a name, the arguments ({OUT}, {DIR} and {FIX} are replaced), the exit code, text the error holds. */
  record Case(String name, List<String> args, int code, String expect) {}

  @BeforeAll
  static void files() throws IOException {
    iris = Issue11Test.copyIris(fixtures);
    write("empty.csv", "");
    write("header-only.csv", "a,b,label\n");
    write("one-class.csv", "a,b,label\n1,2,x\n3,4,x\n5,6,x\n7,8,x\n9,0,x\n");
    write("ragged.csv", "a,b,label\n1,2,x\n3,y\n5,6,z\n");
    write("bad-number.csv", "a,b,label\n1,2,x\n3,four,y\n5,6,x\n7,8,y\n");
    write("missing.csv", "a,b,label\n1,,x\n3,4,y\n5,6,x\n7,8,y\n");
    write("quote.csv", "a,b,label\n1,\"2,x\n3,4,y\n");
    write("single-column.csv", "label\nx\ny\nx\ny\n");
    write("tiny.csv", "a,b,label\n1,2,x\n3,4,y\n");
    write("semicolon-text.csv", "this is not;a csv\nat all\n");
    Files.write(fixtures.resolve("binary.csv"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, 10, 10});
    Files.write(fixtures.resolve("nul.csv"), new byte[] {'a', ',', 'b', 10, 0, 0, ',', 0, 10});
    Files.createDirectories(fixtures.resolve("a-dir.csv"));
    Files.createDirectories(fixtures.resolve("plot-dir.png"));
    write("a-file", "not a directory");
    tmpRoot = Files.createTempDirectory("clr4j-hostile");
  }

  @AfterAll
  static void report() throws IOException {
    System.out.println("HostileInputTest: " + count + " cases");
    try (Stream<Path> s = Files.walk(tmpRoot)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static void write(String name, String content) throws IOException {
    Files.writeString(fixtures.resolve(name), content, StandardCharsets.UTF_8);
  }

  @TestFactory
  Stream<DynamicTest> hostileInputs() {
    List<Case> cases = cases();
    count = cases.size();
    assertTrue(cases.size() >= 300, "cases: " + cases.size());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  // ---- the cases ----

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    String irisData = "csv:{FIX}/iris.csv?label=species";

    // Schedule specs: every proper prefix of valid specs, then mutations and junk.
    String[] valid = {"triangular(base=0.001, max=0.006, up=2000)", "onecycle(max=0.1, total=1000, pct=0.25)",
        "warmup(steps=5, then=cosine(lr=0.1, total=95))"};
    for (String spec : valid) {
      for (int i = 1; i < spec.length(); i++) {
        String prefix = spec.substring(0, i);
        if (prefix.endsWith(")") || prefix.isBlank()) {
          continue;
        }
        cases.add(new Case("schedule prefix '" + prefix + "'", List.of("schedule", prefix, "--steps", "3"), 2,
            "invalid schedule spec"));
      }
    }
    String[] badSpecs = {"", " ", "()", "(", ")", "foo", "foo()", "triangular()", "triangular(base=1)",
        "triangular(base=0.1,max=1,up=10,)", "triangular(base=0.1,,max=1,up=10)", "triangular(base=0.1 max=1 up=10)",
        "triangular(base=1e309, max=2, up=10)", "triangular(base=-0, max=1, up=10)", "triangular(base=0x10, max=1,up=1)",
        "triangular(base=0.1, max=1, up=9223372036854775808)", "triangular(base=0.1, max=1, up=-1)",
        "constant(lr=NaN)", "constant(lr=Infinity)", "constant(lr=-1)", "constant(lr=0)", "constant(lr=1, lr=2)",
        "constant(lr=1))", "constant(lr=1) constant(lr=2)", "constant[lr=1]", "constant(lr=\"1\")",
        "onecycle(max=0.1, total=0)", "onecycle(max=0.1, total=1)", "onecycle(max=0.1, total=100, pct=0)",
        "onecycle(max=0.1, total=100, div=0)", "onecycle(max=0.1, total=100, momentum=0.9:0.8)",
        "onecycle(max=0.1, total=100, momentum=1:2)", "onecycle(max=0.1, total=100, phases=1)",
        "step(lr=0.1, every=0, gamma=0.5)", "exponential(lr=0.1, gamma=2)", "cosine(lr=0.1, total=-5)",
        "cosine_restarts(lr=0.1, first=0)", "warmup(steps=0, then=constant(lr=1))", "warmup(steps=5)",
        "warmup(steps=5, then=warmup(steps=5))", "sequence(first=constant(lr=1), at=-1, then=constant(lr=2))",
        "sequence(first=constant(lr=1), then=constant(lr=2))", "triangular(base=0.1, max=1, up=10, momentum=0.9)",
        "\u0000", "triangular(base=0.1,\u0000max=1, up=10)", "ünïcödé(x=1)", "constant(lr=１)",
        "warmup(steps=1, then=".repeat(65) + "constant(lr=0.1)" + ")".repeat(65),
        "warmup(steps=1, then=".repeat(3000) + "constant(lr=0.1)" + ")".repeat(3000),
        "(".repeat(5000), "constant(lr=" + "9".repeat(10000) + ")", "x".repeat(100_000)};
    for (String spec : badSpecs) {
      cases.add(new Case("schedule spec '" + abbreviate(spec) + "'", List.of("schedule", spec, "--steps", "3"), 2,
          ""));
    }
    // Step counts and plot paths.
    for (String steps : new String[] {"0", "-1", "abc", "2.5", "1e19", "9223372036854775807",
        "9223372036854775808", "1000000001", "NaN", "Infinity", "", " ", "1e", "--plot", "0x10", "1_000"}) {
      cases.add(new Case("schedule --steps '" + steps + "'", List.of("schedule", "constant(lr=1)", "--steps", steps),
          2, ""));
    }
    cases.add(new Case("schedule huge total", List.of("schedule", "onecycle(max=0.1, total=99999999999)"), 2,
        "more than 1000000000"));
    for (String plot : new String[] {"{FIX}/plot-dir.png", "/proc/x.png", "{DIR}/no/such/x.png", "{DIR}/x.gif",
        "", "{FIX}/a-file/x.png", "{DIR}/x", "/"}) {
      cases.add(new Case("schedule --plot '" + plot + "'", List.of("schedule", "constant(lr=1)", "--steps", "3",
          "--plot", plot), 2, "--plot"));
    }
    for (String[] a : new String[][] {{"schedule", "constant(lr=1)", "--steps", "3", "--log-y"},
        {"schedule", "constant(lr=1)", "--steps", "3", "--no-csv"}, {"schedule"}, {"schedule", "--steps", "3"},
        {"schedule", "constant(lr=1)"}, {"schedule", "constant(lr=1)", "--steps", "3", "extra"},
        {"schedule", "constant(lr=1)", "--steps", "3", "--steps", "4"}, {}, {"nosuch"}, {"--frobnicate"},
        {"train", "--frobnicate"}, {"find", "-x"}, {"train", "--epochs"}, {"find", "stray", "positional"},
        {"TRAIN"}, {"-"}, {"--"}, {"train", "--out"}}) {
      cases.add(new Case("args " + String.join(" ", a), List.of(a), 2, ""));
    }
    // Help and version succeed on every command.
    for (String c : new String[] {"schedule", "find", "train", "demo", "bench"}) {
      cases.add(new Case(c + " --help", List.of(c, "--help"), 0, ""));
    }
    cases.add(new Case("--version", List.of("--version"), 0, ""));
    cases.add(new Case("-h", List.of("-h"), 0, ""));

    // Numeric and named options of train and find: each bad value alone, the rest a valid tiny run.
    Map<String, String[]> bad = new LinkedHashMap<>();
    bad.put("--epochs", new String[] {"0", "-1", "abc", "", "2.5", "1e3", "2147483648"});
    bad.put("--batch-size", new String[] {"0", "-5", "abc", "2e9", "2147483648", ""});
    bad.put("--threads", new String[] {"0", "-1", "1025", "2147483647", "x"});
    bad.put("--eval-batch-size", new String[] {"0", "-1", "x"});
    bad.put("--seed", new String[] {"x", "1.5", "99999999999999999999", ""});
    bad.put("--momentum", new String[] {"-0.1", "1", "1.5", "NaN", "x"});
    bad.put("--weight-decay", new String[] {"-1", "NaN", "Infinity", "x"});
    bad.put("--clip", new String[] {"NaN", "x"});
    bad.put("--target-acc", new String[] {"0", "1.5", "-1", "91", "NaN", "x"});
    bad.put("--model", new String[] {"resnet", "", "MLP", "mlp "});
    bad.put("--optimizer", new String[] {"rmsprop", "", "SGD"});
    bad.put("--update", new String[] {"", "FUSED", "fast", "reference "});
    bad.put("--policy", new String[] {"foo", "", "ONECYCLE"});
    bad.put("--bounds", new String[] {"1:x", "0.2:0.1", "1", ":", "", "-1:1", "0:1", "NaN:1", "1:Infinity", "a:b:c"});
    bad.put("--schedule", new String[] {"", "triangular(base=1)", "constant(lr=-1)", "onecycle(max=0.1, total=1)"});
    bad.put("--range-steps", new String[] {"0", "1", "-1", "100001", "2147483647", "x"});
    bad.put("--eval-every", new String[] {"-1", "x"});
    bad.put("--validation", new String[] {"-1", "x"});
    bad.put("--start-lr", new String[] {"0", "-1", "NaN", "Infinity", "x", "20"});
    bad.put("--end-lr", new String[] {"0", "-1", "NaN", "Infinity", "1e-6"});
    bad.put("--method", new String[] {"magic", ""});
    bad.put("--repeats", new String[] {"0", "-1", "101", "2147483647", "2147483648", "x", "", "2.5", "1e2"});
    bad.put("--data", new String[] {"nowhere", "", "csv:", "csv:/no/such.csv", "csv:{FIX}/a-dir.csv",
        "csv:{FIX}/binary.csv", "csv:{FIX}/nul.csv", "csv:{FIX}/empty.csv", "csv:{FIX}/header-only.csv",
        "csv:{FIX}/one-class.csv", "csv:{FIX}/ragged.csv", "csv:{FIX}/bad-number.csv", "csv:{FIX}/missing.csv",
        "csv:{FIX}/quote.csv", "csv:{FIX}/single-column.csv", "csv:{FIX}/tiny.csv",
        "csv:{FIX}/semicolon-text.csv", "csv:{FIX}/iris.csv?label=nope", "csv:{FIX}/iris.csv?label=99",
        "csv:{FIX}/iris.csv?foo=1", "csv:{FIX}/iris.csv?test=2", "csv:{FIX}/iris.csv,1.5",
        "csv:{FIX}/iris.csv?delimiter=xx", "csv:{FIX}/iris.csv?header=maybe", "csv:{FIX}/iris.csv?seed=x",
        "csv:{FIX}/iris.csv?label", "csv:{FIX}/iris.csv,{FIX}/no-such-test.csv",
        "http://example.com/x.csv", "fashion-mnist-tiny"});
    bad.put("--out", new String[] {"", " ", "{FIX}/a-file", "/proc/x", "{FIX}/a-file/sub"});
    bad.put("--checkpoint-dir", new String[] {"", "{FIX}/a-file", "/proc/x"});
    for (String command : new String[] {"train", "find"}) {
      for (Map.Entry<String, String[]> e : bad.entrySet()) {
        String option = e.getKey();
        if (!applies(command, option)) {
          continue;
        }
        for (String value : e.getValue()) {
          List<String> args = base(command, irisData, option);
          args.add(option);
          args.add(value);
          if (option.equals("--bounds")) {
            args.removeAll(List.of("--schedule", "constant(lr=0.01)"));
          }
          String expect = option.equals("--data") || option.equals("--schedule") || value.isEmpty() ? "" : option;
          cases.add(new Case(command + " " + option + " '" + abbreviate(value) + "'", args, 2, expect));
        }
      }
    }
    // --data-dir only matters, and is only checked, where it is used.
    for (String dir : new String[] {"{DIR}/nowhere", "{FIX}/a-file", ""}) {
      cases.add(new Case("train --data-dir '" + dir + "'", List.of("train", "--data", "fashion-mnist", "--data-dir",
          dir, "--out", "{OUT}"), 2, "--data-dir"));
    }
    // Option combinations and directories with an earlier run in them.
    cases.add(new Case("train --resume --no-checkpoint", with(base("train", irisData, ""), "--resume",
        "--no-checkpoint"), 2, "--no-checkpoint"));
    cases.add(new Case("train --resume --overwrite", with(base("train", irisData, ""), "--resume", "--overwrite"), 2,
        "choose one"));
    cases.add(new Case("train --resume, nothing to resume", with(base("train", irisData, ""), "--resume"), 2,
        "holds no checkpoint"));
    cases.add(new Case("train --resume, empty --checkpoint-dir", with(base("train", irisData, ""), "--resume",
        "--checkpoint-dir", "{DIR}"), 2, "holds no checkpoint"));
    for (String earlier : TrainCommand.RESULTS) {
      cases.add(new Case("train into an --out holding " + earlier, with(base("train", irisData, ""), "--seed",
          "7:" + earlier), 2, "already holds the results of an earlier run"));
    }
    cases.add(new Case("train beside an earlier checkpoint", with(base("train", irisData, ""), "--seed",
        "7:checkpoint/" + TrainCommand.CHECKPOINT), 2, "holds the checkpoint of an earlier run"));
    for (String earlier : FindCommand.OUTPUTS) {
      cases.add(new Case("find into an --out holding " + earlier, with(base("find", irisData, ""), "--seed",
          "7:" + earlier), 2, "already holds the results of an earlier range test"));
    }

    // The few that run: edge inputs that must now work on small data, each one epoch of iris at most.
    cases.add(new Case("train huge --batch-size", with(base("train", irisData, "--batch-size"), "--batch-size",
        "2147483647"), 0, ""));
    cases.add(new Case("train huge --eval-batch-size", with(base("train", irisData, ""), "--eval-batch-size",
        "2147483647"), 0, ""));
    cases.add(new Case("train --bounds auto on iris", with(base("train", irisData, "--schedule"), "--policy",
        "triangular"), 0, ""));
    cases.add(new Case("find --validation 100000 on iris", with(base("find", irisData, ""), "--validation",
        "100000"), 0, ""));
    cases.add(new Case("train --optimizer sf-sgd on iris", with(base("train", irisData, ""), "--optimizer",
        "sf-sgd"), 0, ""));
    cases.add(new Case("train --optimizer sf-adamw with a momentum schedule", with(base("train", irisData,
        "--schedule"), "--optimizer", "sf-adamw", "--schedule", "onecycle(max=0.1, total=100)"), 2, "--optimizer"));
    cases.add(new Case("train --optimizer sf-sgd with --bounds auto", with(base("train", irisData, "--schedule"),
        "--optimizer", "sf-sgd"), 0, ""));
    cases.add(new Case("train --optimizer sf-sgd with given bounds", with(base("train", irisData, "--schedule"),
        "--optimizer", "sf-sgd", "--bounds", "0.01:0.1"), 2, "--optimizer"));
    cases.add(new Case("train --update reference on iris", with(base("train", irisData, ""), "--update",
        "reference"), 0, ""));
    cases.add(new Case("find --optimizer sf-sgd on iris", with(base("find", irisData, ""), "--optimizer",
        "sf-sgd"), 0, ""));
    cases.add(new Case("find --repeats 1 on iris", with(base("find", irisData, ""), "--repeats", "1"), 0, ""));
    cases.add(new Case("find --repeats 2 on iris", with(base("find", irisData, ""), "--repeats", "2"), 0, ""));
    cases.add(new Case("find --end-lr 1e-3 (no blow-up)", with(base("find", irisData, ""), "--end-lr", "1e-3"), 0,
        ""));
    cases.add(new Case("find --method divergence --end-lr 1e-3", with(base("find", irisData, ""), "--end-lr",
        "1e-3", "--method", "divergence"), 1, "--end-lr"));
    cases.add(new Case("train diverges", with(base("train", irisData, "--schedule"), "--schedule",
        "constant(lr=1e6)"), 1, "diverged"));
    cases.add(new Case("schedule 1e6 steps plot only", List.of("schedule", "triangular(base=0.001, max=0.006, "
        + "up=2000)", "--steps", "1e6", "--plot", "{OUT}/x.png", "--no-csv"), 0, ""));
    return cases;
  }

  /** A tiny valid run of {@code command} into {OUT}, without {@code omit} (an option the case sets itself). */
  private static List<String> base(String command, String data, String omit) {
    List<String> a = new ArrayList<>(List.of(command));
    String[] pairs = command.equals("train")
        ? new String[] {"--data", data, "--model", "mlp", "--threads", "1", "--epochs", "1", "--batch-size", "32",
            "--schedule", "constant(lr=0.01)", "--range-steps", "20", "--out", "{OUT}"}
        : new String[] {"--data", data, "--model", "mlp", "--threads", "1", "--range-steps", "20", "--batch-size",
            "32", "--out", "{OUT}"};
    for (int i = 0; i < pairs.length; i += 2) {
      if (!pairs[i].equals(omit)) {
        a.add(pairs[i]);
        a.add(pairs[i + 1]);
      }
    }
    return a;
  }

  private static boolean applies(String command, String option) {
    Set<String> trainOnly = Set.of("--target-acc", "--bounds", "--schedule", "--eval-batch-size",
        "--checkpoint-dir");
    Set<String> findOnly = Set.of("--repeats");
    return command.equals("train") ? !findOnly.contains(option) : !trainOnly.contains(option);
  }

  private static List<String> with(List<String> args, String... more) {
    List<String> a = new ArrayList<>(args);
    a.addAll(List.of(more));
    return a;
  }

  private static String abbreviate(String s) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() <= 60 ? t : t.substring(0, 50) + "…(" + t.length() + ")";
  }

  // ---- the check ----

  private static void check(Case c) throws IOException {
    Path dir = Files.createTempDirectory(tmpRoot, "case");
    Path out = dir.resolve("out");
    List<String> args = new ArrayList<>();
    for (int i = 0; i < c.args().size(); i++) {
      String a = c.args().get(i);
      // "--seed 7:NAME" plants an earlier run's file NAME in --out (the seed stays 7).
      if (a.startsWith("7:") && i > 0 && c.args().get(i - 1).equals("--seed")) {
        Path planted = out.resolve(a.substring(2));
        Files.createDirectories(planted.getParent());
        Files.writeString(planted, "earlier run\n");
        a = "7";
      }
      args.add(a.replace("{OUT}", out.toString()).replace("{DIR}", dir.toString())
          .replace("{FIX}", fixtures.toString()));
    }
    if (c.args().contains("{OUT}/x.png")) {
      Files.createDirectories(out); // schedule has no --out: its --plot goes into the case's out
    }
    Set<String> fixturesBefore = tree(fixtures);
    Set<String> cwdBefore = list(Path.of(""));
    Set<String> dirBefore = tree(dir);
    StringWriter so = new StringWriter();
    StringWriter se = new StringWriter();
    int code = Clr4j.run(new PrintWriter(so), new PrintWriter(se), args.toArray(String[]::new));
    String err = se.toString();
    String where = c.name() + " -> exit " + code + ", stderr: " + err;
    assertEquals(c.code(), code, where);
    List<String> lines = err.lines().toList();
    if ("1".equals(System.getenv("CLR4J_DEBUG")) && lines.size() > 1) {
      lines = lines.subList(0, 1); // the stack trace asked for follows the one line
    }
    if (code == 0) {
      assertEquals(List.of(), lines, where);
    } else {
      assertEquals(1, lines.size(), "exactly one line: " + where);
      String line = lines.get(0);
      assertTrue(line.startsWith("clr4j: "), where);
      assertFalse(line.matches(".*(Exception|Error:|java\\.|\\bat org\\.|internal error).*"), where);
      assertTrue(line.length() < 2000, "a readable line: " + line.length() + " characters");
      assertTrue(line.contains(c.expect()), "'" + c.expect() + "' in " + where);
    }
    assertEquals(fixturesBefore, tree(fixtures), "nothing written among the inputs: " + c.name());
    assertEquals(cwdBefore, list(Path.of("")), "nothing written in the working directory: " + c.name());
    Set<String> added = new TreeSet<>(tree(dir));
    added.removeAll(dirBefore);
    String outPrefix = dir.relativize(out).toString();
    Set<String> outside = added.stream().filter(p -> !p.equals(outPrefix) && !p.startsWith(outPrefix + "/"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), outside, "files outside --out: " + c.name());
    Set<String> temporary = added.stream().filter(p -> p.endsWith(".tmp")).collect(Collectors.toSet());
    assertEquals(Set.of(), temporary, "temporary files left: " + c.name());
  }

  private static Set<String> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Set<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
