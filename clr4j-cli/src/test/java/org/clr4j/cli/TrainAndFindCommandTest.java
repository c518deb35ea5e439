package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
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

  /**
   * --weight-decay auto: the range test, then one short run per candidate scored on held-out training samples, then
   * the run with the chosen value, which run.json, weight-decay.csv and the checkpoint (for --resume) record.
   */
  @Test
  void trainWithAutoWeightDecayTriesTheCandidatesAndTrainsWithTheBest(@TempDir Path out) throws IOException {
    String[] run = {"train", "--data", data, "--model", "mlp", "--batch-size", "16", "--weight-decay", "auto",
        "--epochs", "2", "--range-steps", "40", "--eval-every", "4", "--validation", "40", "--out", out.toString()};
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(run);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("weight decay: 4 short runs (1 epoch of 200 samples each, onecycle "), r.out());
    assertTrue(r.out().contains("scored on 40 held-out training samples"), r.out());
    List<String> csv = Files.readAllLines(out.resolve("weight-decay.csv"));
    assertEquals("weight_decay,seed,heldout_loss,heldout_accuracy,seconds,chosen", csv.get(0));
    assertEquals(5, csv.size(), "one line per candidate");
    List<String> chosen = csv.stream().filter(l -> l.endsWith(",true")).toList();
    assertEquals(1, chosen.size(), csv.toString());
    String wd = chosen.get(0).split(",")[0];
    JsonObject record = JsonParser.parseString(Files.readString(out.resolve("run.json"))).getAsJsonObject();
    JsonObject search = record.getAsJsonObject("weight_decay_search");
    assertEquals(Double.parseDouble(wd), search.get("chosen").getAsDouble());
    assertEquals(4, search.getAsJsonArray("trials").size());
    assertTrue(search.get("reason").getAsString().startsWith("lowest mean held-out loss of short runs"));
    assertTrue(record.get("optimizer").getAsString().contains("weight_decay=" + org.clr4j.Checks.format(
        Double.parseDouble(wd)) + ","), record.get("optimizer") + " vs " + wd);
    assertTrue(r.out().contains("weight decay: " + org.clr4j.Checks.format(Double.parseDouble(wd)) + " (lowest"),
        r.out());
    assertEquals(wd, Files.readString(out.resolve("checkpoint/weight-decay.txt")).strip());
    // --resume takes the chosen value from the checkpoint instead of searching again.
    ScheduleCommandTest.Result again = ScheduleCommandTest.run(with(run, "--resume"));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resuming with the checkpoint's weight decay"), again.out());
    assertFalse(again.out().contains("short runs"), again.out());
  }

  /** Every weight decay diverging at the given bounds fails the run (exit 1) in one line that says what to do. */
  @Test
  void aWeightDecaySearchWhoseTrialsAllDivergeFailsInOneLine(@TempDir Path out) {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run("train", "--data", data, "--model", "mlp", "--batch-size",
        "16", "--weight-decay", "auto", "--bounds", "1e6:1e7", "--epochs", "1", "--no-checkpoint", "--out",
        out.toString());
    assertEquals(1, r.code(), r.err());
    String err = r.err().strip();
    assertTrue(err.startsWith("clr4j: weight-decay search: every weight decay tried (0: diverged, 1e-4: diverged, "
        + "5e-4: diverged, 0.001: diverged) diverged in 4 runs: no choice; lower the bounds"), err);
    assertFalse(err.contains("\n"), err);
  }

  /** A checkpoint of the reference update path (what every run made before the fused one) says how to resume it. */
  @Test
  void aReferencePathCheckpointResumesWithUpdateReference(@TempDir Path out) {
    String[] run = {"train", "--data", data, "--model", "mlp", "--batch-size", "16", "--schedule",
        "onecycle(max=0.1, total=45)", "--epochs", "3", "--out", out.toString()};
    assertEquals(0, ScheduleCommandTest.run(with(run, "--update", "reference")).code());
    ScheduleCommandTest.Result fused = ScheduleCommandTest.run(with(run, "--resume"));
    assertEquals(2, fused.code(), fused.err());
    assertTrue(fused.err().strip().endsWith("add --update reference to resume it"), fused.err());
    ScheduleCommandTest.Result reference = ScheduleCommandTest.run(with(run, "--resume", "--update", "reference"));
    assertEquals(0, reference.code(), reference.err());
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

  /** With Schedule-Free, find's spec is a warm-up and a constant rate, which train takes as it is. */
  @Test
  void findWithScheduleFreePrintsASpecTrainAccepts(@TempDir Path out, @TempDir Path trained) {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run("find", "--data", data, "--model", "mlp", "--batch-size",
        "16", "--range-steps", "40", "--eval-every", "4", "--validation", "40", "--optimizer", "sf-sgd",
        "--epochs", "2", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    java.util.regex.Matcher chosen = java.util.regex.Pattern.compile("\nchosen \\(divergence[^)]*\\): lower \\S+, "
        + "upper (\\S+) ").matcher(r.out());
    assertTrue(chosen.find(), r.out());
    java.util.regex.Matcher spec = java.util.regex.Pattern.compile("\n  (warmup\\(steps=(\\d+), start=0, "
        + "then=constant\\(lr=(\\S+)\\)\\))\n").matcher(r.out());
    assertTrue(spec.find(), r.out());
    assertFalse(r.out().contains("onecycle("), r.out());
    // 5 % of the 2 epochs' steps of warm-up, then 3× the upper bound.
    java.util.regex.Matcher perEpoch = java.util.regex.Pattern.compile("schedule for 2 epoch\\(s\\) of (\\d+) steps")
        .matcher(r.out());
    assertTrue(perEpoch.find(), r.out());
    assertEquals(Math.max(1, Math.round(0.05 * 2 * Integer.parseInt(perEpoch.group(1)))),
        Integer.parseInt(spec.group(2)));
    double upper = Double.parseDouble(chosen.group(1));
    assertEquals(3 * upper, Double.parseDouble(spec.group(3)), 3 * upper * 0.05 + 1e-12, r.out());

    ScheduleCommandTest.Result t = ScheduleCommandTest.run("train", "--data", data, "--model", "mlp",
        "--batch-size", "16", "--optimizer", "sf-sgd", "--schedule", spec.group(1), "--epochs", "2",
        "--no-checkpoint", "--out", trained.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("final test accuracy"), t.out());

    // train --bounds auto (the default) with Schedule-Free runs the same range test and trains on the same spec.
    ScheduleCommandTest.Result auto = ScheduleCommandTest.run("train", "--data", data, "--model", "mlp",
        "--batch-size", "16", "--range-steps", "40", "--eval-every", "4", "--validation", "40", "--optimizer",
        "sf-sgd", "--epochs", "2", "--no-checkpoint", "--out", trained.resolve("auto").toString());
    assertEquals(0, auto.code(), auto.err());
    assertTrue(auto.out().contains("range test:"), auto.out());
    assertTrue(auto.out().contains("schedule: " + spec.group(1)), auto.out() + "\nvs find's " + spec.group(1));
  }

  @Test
  void findWithRepeatsPrintsTheMediansAndTheirSpreadAndWritesEveryRepeat(@TempDir Path out) throws IOException {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run("find", "--data", data, "--model", "mlp", "--batch-size",
        "16", "--range-steps", "40", "--eval-every", "4", "--validation", "40", "--repeats", "3",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String text = r.out();
    assertTrue(text.contains("range test: 3 repeats from the same initialization, each with a data order of its "
        + "own"), text);
    for (int i = 1; i <= 3; i++) {
      assertTrue(text.contains("  repeat " + i + ": "), "repeat " + i + " in " + text);
    }
    assertTrue(text.contains("lower min..max      upper min..max      max/min  decided"), text);
    assertTrue(text.matches("(?s).*\\* divergence .*3/3 +repeat \\d: loss blows up.*"), text);
    assertTrue(text.matches("(?s).*\nchosen \\(divergence, the medians of 3 repeats\\): lower \\S+, upper \\S+ "
        + "\\(upper over the repeats \\S+\\.\\.\\S+, max/min \\d+\\.\\d\\d\\)\n.*"), text);

    // One CSV row per step per repeat, the repeat first.
    List<String> csv = Files.readAllLines(out.resolve("range-test.csv"));
    assertEquals("repeat,lr,loss,smoothed_loss,eval_loss,accuracy,suggester_loss", csv.get(0));
    Map<String, Long> rows = csv.stream().skip(1).collect(Collectors.groupingBy(l -> l.substring(0,
        l.indexOf(',')), Collectors.counting()));
    assertEquals(Set.of("1", "2", "3"), rows.keySet());

    // The record: every repeat's bounds, and the chosen upper bound their median.
    JsonObject record = JsonParser.parseString(Files.readString(out.resolve("range-test.json"))).getAsJsonObject();
    assertEquals(3, record.get("repeats").getAsInt());
    assertEquals(csv.size() - 1, record.get("points").getAsInt());
    JsonObject divergence = record.getAsJsonObject("suggestions").getAsJsonObject("divergence");
    double[] uppers = new double[3];
    for (int i = 0; i < 3; i++) {
      uppers[i] = divergence.getAsJsonArray("repeat_uppers").get(i).getAsDouble();
    }
    java.util.Arrays.sort(uppers);
    assertEquals(uppers[1], divergence.get("upper").getAsDouble());
    assertEquals(uppers[0], divergence.get("upper_min").getAsDouble());
    assertEquals(uppers[2] / uppers[0], divergence.get("upper_max_over_min").getAsDouble(), 1e-12);
    assertTrue(Files.size(out.resolve("range-test.png")) > 1000);
  }

  @Test
  void findWithOneRepeatIsTheSingleTestAndTheFirstOfSeveral(@TempDir Path out) throws IOException {
    String[] common = {"find", "--data", data, "--model", "mlp", "--batch-size", "16", "--range-steps", "30",
        "--eval-every", "5", "--validation", "40", "--seed", "5"};
    ScheduleCommandTest.Result one = ScheduleCommandTest.run(with(common, "--repeats", "1", "--out",
        out.resolve("one").toString()));
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().matches("(?s).*\nrange test: \\d+ steps of 16 samples, lr .*"), one.out());
    assertTrue(!one.out().contains("repeat"), one.out());
    assertTrue(one.out().matches("(?s).*\nchosen \\([a-z_0-9]+\\): lower \\S+, upper \\S+\n.*"), one.out());
    List<String> single = Files.readAllLines(out.resolve("one").resolve("range-test.csv"));
    assertEquals("lr,loss,smoothed_loss,eval_loss,accuracy,suggester_loss", single.get(0));
    String json = Files.readString(out.resolve("one").resolve("range-test.json"));
    assertTrue(json.contains("\"stop_reason\"") && !json.contains("\"repeats\""), json);

    ScheduleCommandTest.Result two = ScheduleCommandTest.run(with(common, "--repeats", "2", "--out",
        out.resolve("two").toString()));
    assertEquals(0, two.code(), two.err());
    List<String> first = Files.readAllLines(out.resolve("two").resolve("range-test.csv")).stream().skip(1)
        .filter(l -> l.startsWith("1,")).map(l -> l.substring(2)).toList();
    assertEquals(single.subList(1, single.size()), first, "repeat 1 is the single test, bit for bit");
  }

  private static String[] with(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
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
      "find --method magic", "find --policy foo", "find --range-steps 1", "find --start-lr -1", "find --repeats 0",
      "find --repeats 101", "find --repeats x",
      "train --momentum 1.5", "train --data csv:/no/such/file.csv", "train --weight-decay x",
      "train --weight-decay -1", "train --weight-decay auto --optimizer adam",
      "train --weight-decay auto --schedule constant(lr=0.1)", "find --weight-decay auto"})
  void badInputIsOneLineAndExitCode2(String line) {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(line.split(" "));
    assertEquals(2, r.code(), line + " -> " + r.err());
    String err = r.err().strip();
    assertTrue(err.startsWith("clr4j: "), err);
    assertFalse(err.contains("\n"), "one line: " + err);
    assertFalse(err.contains("Exception") || err.contains("\tat "), err);
  }
}
