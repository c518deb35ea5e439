package org.clr4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clr4j.data.TrainTest;
import org.clr4j.reference.RunRecord;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.rangetest.RepeatedSuggestion;
import org.clr4j.rangetest.Suggestion;
import org.clr4j.rangetest.SuggestionMethod;
import org.clr4j.schedule.Schedule;

/**
 * A finished range test (one or several repeats) and the suggestion chosen from it (for several repeats, the
 * medians); {@code batch}: the batch size the test trained with (--batch-size fitted to the data).
 */
record RangeTestOutcome(RangeTestRepeats repeats, Suggestion chosenSuggestion, double seconds, RangeTest test,
    int batch) {
  /** The first repeat's result: the only one unless find ran --repeats above 1. */
  RangeTestResult result() {
    return repeats.repeats().get(0);
  }

  org.clr4j.rangetest.Bounds chosen() {
    return chosenSuggestion.bounds();
  }

  /** Writes range-test.csv, range-test.png and range-test.json into {@code dir}, whole or not at all. */
  void write(Path dir, DataModelOptions common, TrainTest data, Schedule schedule, String command)
      throws IOException {
    try (Outputs outputs = new Outputs(dir)) {
      stage(outputs, common, data, schedule, command);
      outputs.commit();
    }
  }

  void stage(Outputs outputs, DataModelOptions common, TrainTest data, Schedule schedule, String command)
      throws IOException {
    boolean one = repeats.count() == 1;
    RangeTestResult result = result();
    String csv = one ? result.toCsv() : repeats.toCsv();
    outputs.stage("range-test.csv", os -> os.write(csv.getBytes(StandardCharsets.UTF_8)));
    String title = "Range test: " + common.model + " on " + data.train().name() + " ("
        + chosenSuggestion.method().cliName() + (one ? "" : ", median of " + repeats.count() + " repeats") + ")";
    if (one) {
      Charts.rangeTest(result, chosenSuggestion, title, outputs, "range-test.png");
    } else {
      Charts.rangeTestRepeats(repeats, chosenSuggestion, title, outputs, "range-test.png");
    }
    RunRecord record = RunRecord.of(command);
    record.put("range_test", test.toString());
    record.put("model", common.model).put("optimizer", common.optimizerConfig().toString())
        .put("batch_size", batch).put("seed", common.seed).put("threads", common.threads())
        .put("data", data.train().source()).put("data_name", data.train().name())
        .put("train_samples", data.train().size()).put("seconds", seconds);
    Map<String, Object> suggestions = new LinkedHashMap<>();
    if (one) {
      record.put("stop_reason", result.stopReason().toString()).put("points", result.points().size());
      for (Map.Entry<SuggestionMethod, Suggestion> e : result.suggestions().entrySet()) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("lower", e.getValue().lower());
        s.put("upper", e.getValue().upper());
        s.put("reason", e.getValue().reason());
        suggestions.put(e.getKey().cliName(), s);
      }
    } else {
      List<String> stops = new ArrayList<>();
      List<Integer> points = new ArrayList<>();
      for (RangeTestResult r : repeats.repeats()) {
        stops.add(r.stopReason().toString());
        points.add(r.points().size());
      }
      record.put("repeats", repeats.count()).put("stop_reasons", stops)
          .put("points", points.stream().mapToInt(Integer::intValue).sum()).put("repeat_points", points);
      for (Map.Entry<SuggestionMethod, RepeatedSuggestion> e : repeats.suggestions().entrySet()) {
        RepeatedSuggestion r = e.getValue();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("lower", r.lower());
        s.put("upper", r.upper());
        s.put("reason", r.reason());
        s.put("lower_min", r.lowerSpread().min());
        s.put("lower_max", r.lowerSpread().max());
        s.put("upper_min", r.upperSpread().min());
        s.put("upper_max", r.upperSpread().max());
        s.put("upper_max_over_min", r.upperSpread().ratio());
        s.put("decided", r.decided().size());
        List<Object> lowers = new ArrayList<>();
        List<Object> uppers = new ArrayList<>();
        for (int i = 0; i < repeats.count(); i++) {
          Suggestion ofRepeat = r.decided().get(i);
          lowers.add(ofRepeat == null ? null : ofRepeat.lower());
          uppers.add(ofRepeat == null ? null : ofRepeat.upper());
        }
        s.put("repeat_lowers", lowers);
        s.put("repeat_uppers", uppers);
        if (!r.failures().isEmpty()) {
          Map<String, Object> failed = new LinkedHashMap<>();
          r.failures().forEach((i, why) -> failed.put(Integer.toString(i + 1), why));
          s.put("failed_repeats", failed);
        }
        suggestions.put(e.getKey().cliName(), s);
      }
    }
    Map<SuggestionMethod, String> failures = one ? result.failures() : repeats.failures();
    for (Map.Entry<SuggestionMethod, String> e : failures.entrySet()) {
      suggestions.put(e.getKey().cliName(), Map.of("failed", e.getValue()));
    }
    record.put("suggestions", suggestions).put("chosen_method", chosenSuggestion.method().cliName());
    if (schedule != null) {
      record.put("schedule", schedule.toString());
    }
    String json = record.toJson() + "\n";
    outputs.stage("range-test.json", os -> os.write(json.getBytes(StandardCharsets.UTF_8)));
  }
}
