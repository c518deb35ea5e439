package org.clr4j.cli;

import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.tuning.WeightDecayChoice;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clr4j.Checks;
import org.clr4j.data.TrainTest;
import org.clr4j.reference.RunRecord;
import org.clr4j.djl.train.EpochResult;
import org.clr4j.rangetest.Bounds;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** What {@code clr4j demo} writes: combined plots, per-run CSVs and plots, demo.json and index.html. */
final class DemoReport {
  static final String ACCURACY_PNG = "accuracy.png";
  static final String SCHEDULES_PNG = "schedules.png";
  static final String LOSS_PNG = "loss.png";
  static final String RANGE_PNG = "range-test.png";

  private final Path dir;
  private final DataModelOptions common;
  private final OptimizerConfig optimizer;
  /** The weight-decay search of --weight-decay auto, else null. */
  private final WeightDecayChoice weightDecay;
  private final TrainTest data;
  private final RangeTestOutcome found;
  private final Bounds bounds;
  private final List<DemoCommand.Run> runs;
  private final int epochs;
  private final long perEpoch;
  private final String fixedLrRule;
  private final List<String> verdict;
  private final String command;
  private final double seconds;

  DemoReport(Path dir, DataModelOptions common, OptimizerConfig optimizer, WeightDecayChoice weightDecay,
      TrainTest data, RangeTestOutcome found, Bounds bounds, List<DemoCommand.Run> runs, int epochs, long perEpoch,
      String fixedLrRule, List<String> verdict, String command, double seconds) {
    this.dir = dir;
    this.common = common;
    this.optimizer = optimizer;
    this.weightDecay = weightDecay;
    this.data = data;
    this.found = found;
    this.bounds = bounds;
    this.runs = runs;
    this.epochs = epochs;
    this.perEpoch = perEpoch;
    this.fixedLrRule = fixedLrRule;
    this.verdict = verdict;
    this.command = command;
    this.seconds = seconds;
  }

  void write() throws IOException {
    for (DemoCommand.Run r : runs) {
      Path sub = dir.resolve(r.id);
      Files.createDirectories(sub);
      if (r.result != null) {
        try (Writer w = Files.newBufferedWriter(sub.resolve("steps.csv"), StandardCharsets.UTF_8)) {
          r.result.steps().writeCsv(w);
        }
        Files.writeString(sub.resolve("epochs.csv"), epochsCsv(r.epochs()), StandardCharsets.UTF_8);
        TrainCommand.plots(r.result, sub, common.model + ": " + r.schedule);
      }
    }
    accuracyChart();
    schedulesChart();
    lossChart();
    RunRecord record = record();
    record.write(dir.resolve("demo.json"));
    Files.writeString(dir.resolve("index.html"), html(record), StandardCharsets.UTF_8);
  }

  static String epochsCsv(List<EpochResult> epochs) {
    StringBuilder sb = new StringBuilder("epoch,steps,train_loss,test_loss,test_accuracy,train_seconds,"
        + "samples_per_second\n");
    for (EpochResult e : epochs) {
      sb.append(e.epoch()).append(',').append(e.steps()).append(',').append(e.trainLoss()).append(',')
          .append(e.testLoss()).append(',').append(e.testAccuracy()).append(',').append(e.trainSeconds())
          .append(',').append(e.samplesPerSecond()).append('\n');
    }
    return sb.toString();
  }

  private String title() {
    return common.model + " on " + data.train().size() + " samples of " + data.train().name() + ", " + epochs
        + " epoch(s)";
  }

  private void accuracyChart() throws IOException {
    XYChart chart = Charts.chart("Test accuracy per epoch — " + title(), "epoch", "test accuracy");
    chart.getStyler().setXAxisDecimalPattern("0");
    for (int i = 0; i < runs.size(); i++) {
      DemoCommand.Run r = runs.get(i);
      double[] x = r.epochs().stream().mapToDouble(EpochResult::epoch).toArray();
      double[] y = r.epochs().stream().mapToDouble(EpochResult::testAccuracy).toArray();
      if (x.length == 0) {
        continue; // a diverged run has no epochs to draw; the table says so
      }
      XYSeries s = chart.addSeries(r.label, x, y);
      s.setLineColor(Charts.PALETTE[i]);
      s.setMarkerColor(Charts.PALETTE[i]);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("no epoch finished", new double[] {1}, new double[] {0});
    }
    Charts.save(chart, dir.resolve(ACCURACY_PNG));
  }

  private void schedulesChart() throws IOException {
    long total = perEpoch * epochs;
    int points = (int) Math.min(total, 2000);
    XYChart chart = Charts.chart("Learning-rate schedules — " + title(), "step", "learning rate");
    for (int i = 0; i < runs.size(); i++) {
      DemoCommand.Run r = runs.get(i);
      double[] x = new double[points];
      double[] y = new double[points];
      for (int k = 0; k < points; k++) {
        long step = points == total ? k : Math.round((double) k * (total - 1) / Math.max(1, points - 1));
        x[k] = step;
        y[k] = r.schedule.valueAt(step);
      }
      Charts.line(chart, r.label, x, y, Charts.PALETTE[i], 0).setLineWidth(2f);
    }
    Charts.save(chart, dir.resolve(SCHEDULES_PNG));
  }

  private void lossChart() throws IOException {
    int longest = runs.stream().mapToInt(r -> r.result == null ? 0 : r.result.steps().size()).max().orElse(0);
    int window = Math.max(1, Math.min(50, longest / 20));
    XYChart chart = Charts.chart("Training loss, moving average over " + window + " steps — " + title(), "step",
        "loss");
    for (int i = 0; i < runs.size(); i++) {
      DemoCommand.Run r = runs.get(i);
      if (r.result == null || r.result.steps().size() == 0) {
        continue;
      }
      int n = r.result.steps().size();
      double[] x = new double[n];
      double[] loss = new double[n];
      for (int k = 0; k < n; k++) {
        x[k] = k;
        loss[k] = r.result.steps().loss(k);
      }
      Charts.line(chart, r.label, x, TrainCommand.movingAverage(loss, window), Charts.PALETTE[i], 0);
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("no step finished", new double[] {0}, new double[] {0});
    }
    Charts.save(chart, dir.resolve(LOSS_PNG));
  }

  private RunRecord record() {
    RunRecord record = RunRecord.of("demo");
    record.put("command_line", command);
    record.put("model", common.model).put("optimizer", optimizer.toString())
        .put("batch_size", common.batchSize).put("seed", common.seed).put("threads", common.threads())
        .put("epochs", epochs).put("steps_per_epoch", perEpoch)
        .put("data", data.train().source()).put("data_name", data.train().name())
        .put("train_samples", data.train().size()).put("test_samples", data.test().size());
    if (weightDecay != null) {
      record.put("weight_decay_search", WeightDecayTuning.record(weightDecay));
    }
    Map<String, Object> rt = new LinkedHashMap<>();
    rt.put("spec", found.test().toString());
    rt.put("method", found.chosenSuggestion().method().cliName());
    rt.put("lower", bounds.lower());
    rt.put("upper", bounds.upper());
    rt.put("reason", found.chosenSuggestion().reason());
    rt.put("seconds", found.seconds());
    rt.put("stop_reason", found.result().stopReason().toString());
    record.put("range_test", rt);
    record.put("fixed_lr_rule", fixedLrRule);
    List<Map<String, Object>> list = new ArrayList<>();
    for (DemoCommand.Run r : runs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", r.id);
      m.put("label", r.label);
      m.put("spec", r.schedule.toString());
      m.put("status", r.result == null ? "DIVERGED" : r.result.status().toString());
      if (r.failure != null) {
        m.put("failure", r.failure);
      }
      m.put("final_accuracy", r.finalAccuracy());
      m.put("best_accuracy", r.result == null ? Double.NaN : r.result.bestAccuracy());
      m.put("train_seconds", r.trainSeconds());
      m.put("samples_per_second", r.samplesPerSecond());
      List<Map<String, Object>> ep = new ArrayList<>();
      for (EpochResult e : r.epochs()) {
        Map<String, Object> em = new LinkedHashMap<>();
        em.put("epoch", e.epoch());
        em.put("test_accuracy", e.testAccuracy());
        em.put("test_loss", e.testLoss());
        em.put("train_loss", e.trainLoss());
        em.put("train_seconds", e.trainSeconds());
        em.put("samples_per_second", e.samplesPerSecond());
        ep.add(em);
      }
      m.put("epoch_results", ep);
      list.add(m);
    }
    record.put("runs", list);
    record.put("verdict", verdict);
    record.put("seconds", seconds);
    return record;
  }

  private String html(RunRecord record) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>clr4j demo — fixed lr vs triangular2 vs 1cycle</title>\n<style>\n")
        .append("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1040px;")
        .append("margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\n")
        .append("h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}\n")
        .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .7em}")
        .append("th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}\n")
        .append("img{max-width:100%;border:1px solid #eee}code,pre{background:#f6f8fa;padding:.1em .3em}")
        .append("pre{padding:.7em;overflow-x:auto}.verdict{font-size:1.1em;background:#eef6ee;padding:.6em;")
        .append("border-left:4px solid #2ca02c}\n</style>\n</head>\n<body>\n");
    h.append("<h1>clr4j demo: fixed lr vs triangular2 (CLR) vs 1cycle</h1>\n");
    h.append("<p>The learning-rate range test chose bounds; then the same ").append(esc(common.model))
        .append(" model was trained three times on ").append(data.train().size()).append(" training samples of ")
        .append(esc(data.train().name())).append(" with the same data order, seed (").append(common.seed)
        .append("), optimizer (<code>").append(esc(optimizer.toString())).append("</code>")
        .append(weightDecay == null ? "" : ", weight decay chosen by " + esc(weightDecay.reason())).append("), batch size ")
        .append(common.batchSize).append(" and budget (").append(epochs).append(" epoch(s) of ").append(perEpoch)
        .append(" steps), changing only the learning-rate schedule. Test accuracy is measured on ")
        .append(data.test().size()).append(" held-out test samples after each epoch.</p>\n");
    h.append("<div class=\"verdict\">");
    for (String v : verdict) {
      h.append(esc(v)).append("<br>\n");
    }
    h.append("</div>\n");

    h.append("<h2>Results</h2>\n<table>\n<tr><th>epoch</th>");
    for (DemoCommand.Run r : runs) {
      h.append("<th>").append(esc(r.label)).append("</th>");
    }
    h.append("</tr>\n");
    int rows = runs.stream().mapToInt(r -> r.epochs().size()).max().orElse(0);
    for (int e = 0; e < rows; e++) {
      h.append("<tr><td class=\"n\">").append(e + 1).append("</td>");
      for (DemoCommand.Run r : runs) {
        h.append("<td class=\"n\">").append(e < r.epochs().size() ? DemoCommand.pct(r.epochs().get(e).testAccuracy())
            : "-").append("</td>");
      }
      h.append("</tr>\n");
    }
    htmlRow(h, "final", r -> r.result == null ? "diverged" : DemoCommand.pct(r.finalAccuracy()));
    htmlRow(h, "best", r -> r.result == null ? "-" : DemoCommand.pct(r.result.bestAccuracy()));
    htmlRow(h, "training seconds", r -> r.result == null ? "-" : String.format(Locale.ROOT, "%.1f", r.trainSeconds()));
    htmlRow(h, "samples/s", r -> r.result == null ? "-" : String.format(Locale.ROOT, "%.0f", r.samplesPerSecond()));
    h.append("</table>\n<p>Training seconds count training steps only (not evaluation). Whole demo: ")
        .append(String.format(Locale.ROOT, "%.0f", seconds)).append(" s.</p>\n");
    img(h, ACCURACY_PNG, "Test accuracy per epoch of the three runs");

    h.append("<h2>Range test</h2>\n<p><code>").append(esc(found.test().toString())).append("</code>, ")
        .append(found.result().points().size()).append(" steps in ")
        .append(String.format(Locale.ROOT, "%.1f", found.seconds())).append(" s, stopped: ")
        .append(esc(found.result().stopReason().toString().toLowerCase(Locale.ROOT))).append(". Method <b>")
        .append(esc(found.chosenSuggestion().method().cliName())).append("</b>: ")
        .append(esc(found.chosenSuggestion().reason())).append(". Bounds used (2 significant digits): lower <b>")
        .append(Checks.format(bounds.lower())).append("</b>, upper <b>").append(Checks.format(bounds.upper()))
        .append("</b>. Data: <code>range-test.csv</code>, <code>range-test.json</code>.</p>\n");
    img(h, RANGE_PNG, "Range test: loss and held-out accuracy against learning rate, with the chosen bounds");

    h.append("<h2>Schedules</h2>\n<table>\n<tr><th>run</th><th>spec</th></tr>\n");
    for (DemoCommand.Run r : runs) {
      h.append("<tr><td>").append(esc(r.label)).append("</td><td><code>").append(esc(r.schedule.toString()))
          .append("</code></td></tr>\n");
    }
    h.append("</table>\n<ul>\n<li><b>fixed lr</b>: ").append(esc(fixedLrRule)).append(".</li>\n")
        .append("<li><b>triangular2</b> (Smith 2017): between the bounds, a whole number of cycles in the budget, "
            + "the amplitude halving each cycle, ending at the lower bound").append(cycles()).append(".</li>\n")
        .append("<li><b>1cycle</b> (Smith &amp; Topin 2018): warm-up to the upper bound, then annealing far below "
            + "the lower one; as in PyTorch's OneCycleLR it also cycles momentum inversely (see its spec). The "
            + "other two runs use the optimizer's constant momentum.</li>\n</ul>\n");
    img(h, SCHEDULES_PNG, "The three learning-rate schedules against step");
    h.append("<h2>Training loss</h2>\n");
    img(h, LOSS_PNG, "Training loss (moving average) of the three runs");
    h.append("<p>Per run: <code>steps.csv</code> (lr, momentum, loss per step), <code>epochs.csv</code> and its "
        + "own lr/loss/accuracy plots in ");
    for (int i = 0; i < runs.size(); i++) {
      String id = runs.get(i).id;
      h.append(i > 0 ? ", " : "").append("<a href=\"").append(id).append("/\">").append(id).append("/</a>");
    }
    h.append(".</p>\n");

    h.append("<h2>Machine and software</h2>\n<table>\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> env = (Map<String, Object>) record.get("environment");
    for (Map.Entry<String, Object> e : env.entrySet()) {
      h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(String.valueOf(e.getValue())))
          .append("</td></tr>\n");
    }
    h.append("<tr><th>threads</th><td>").append(common.threads()).append("</td></tr>\n")
        .append("<tr><th>created</th><td>").append(esc(String.valueOf(record.get("created")))).append("</td></tr>\n")
        .append("</table>\n<p>Everything above, with each run's per-epoch numbers, is in <a href=\"demo.json\">"
            + "demo.json</a>.</p>\n");

    h.append("<h2>Reproduce</h2>\n<pre>").append(esc(command)).append("</pre>\n<p>Runs with the same seed, data and "
        + "--threads (here ").append(common.threads()).append(") compute the same numbers; timings vary.</p>\n");
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  /** How many cycles the triangular2 run made, read from its spec ({@code up=} steps per half cycle). */
  private String cycles() {
    Matcher m = Pattern.compile("up=(\\d+)").matcher(runs.get(1).schedule.toString());
    if (!m.find()) {
      return "";
    }
    long up = Long.parseLong(m.group(1));
    long cycles = perEpoch * epochs / (2 * up);
    return "; here " + cycles + " cycle(s) of " + 2 * up + " steps" + (cycles == 1
        ? ", so within this budget it is the same as triangular: one rise to the upper bound and one fall" : "");
  }

  private void htmlRow(StringBuilder h, String name, java.util.function.Function<DemoCommand.Run, String> cell) {
    h.append("<tr><th>").append(esc(name)).append("</th>");
    for (DemoCommand.Run r : runs) {
      h.append("<td class=\"n\">").append(esc(cell.apply(r))).append("</td>");
    }
    h.append("</tr>\n");
  }

  private static void img(StringBuilder h, String file, String alt) {
    h.append("<p><img src=\"").append(file).append("\" alt=\"").append(esc(alt)).append("\"></p>\n");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
