package org.clr4j.cli;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.clr4j.Checks;
import org.clr4j.data.TrainTest;
import org.clr4j.reference.RunRecord;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The bench's summary: per model, the time-to-accuracy table (epochs and seconds to reach the best fixed-rate
 * accuracy, the speed-up over the fixed rate, final accuracy over seeds, throughput), the fixed-rate grid, the
 * PyTorch comparison, and the files: markdown, CSV and the accuracy plots.
 */
final class BenchReport {
  private BenchReport() {}

  /** One model's runs, grouped as the table shows them. */
  static final class ModelRuns {
    final String model;
    BenchStore.Result rangeTest;
    /** The weight-decay search (--weight-decay auto), else null. */
    BenchStore.Result weightDecaySearch;
    /** The weight decay of the scheduled policies. */
    double weightDecay = BenchRunner.DEFAULT_WEIGHT_DECAY;
    Double bestLr;
    /** The grid, one run per rate (first seed), in grid order. */
    final List<BenchStore.Result> grid = new ArrayList<>();
    /** Schedule-Free's grid, one run per rate (first seed), in grid order; empty without --schedule-free. */
    final List<BenchStore.Result> scheduleFreeGrid = new ArrayList<>();
    /** Schedule-Free's rate with the best final accuracy in its grid; null when none (or every rate diverged). */
    Double scheduleFreeBestLr;
    /** Table rows in order: label to the runs of every seed. */
    final Map<String, List<BenchStore.Result>> rows = new LinkedHashMap<>();

    ModelRuns(String model) {
      this.model = model;
    }
  }

  /** A table row's statistics. NaN where undefined (e.g. no seed reached the target). */
  record Row(String label, String framework, String schedule, int epochs, int seeds, int reached,
      double epochsToTarget, double secondsToTarget, double speedup, double accuracyMean, double accuracySd,
      double samplesPerSecond, int diverged, String note) {}

  /** The target: the mean over seeds of the best fixed rate's best-epoch accuracy; NaN without a fixed run. */
  static double target(ModelRuns m) {
    List<BenchStore.Result> fixed = m.rows.get(fixedLabel(m));
    if (fixed == null || fixed.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    int n = 0;
    for (BenchStore.Result r : fixed) {
      double best = r.bestAccuracy();
      if (!Double.isNaN(best)) {
        sum += best;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  static String fixedLabel(ModelRuns m) {
    return m.bestLr == null ? "fixed" : "fixed lr " + Charts.fmt(m.bestLr);
  }

  /** The rows of one model's table; the first is the best fixed rate, the reference of the speed-up. */
  static List<Row> rows(ModelRuns m) {
    double target = target(m);
    List<Row> rows = new ArrayList<>();
    double fixedEpochs = Double.NaN;
    for (Map.Entry<String, List<BenchStore.Result>> e : m.rows.entrySet()) {
      Row row = row(e.getKey(), e.getValue(), target, fixedEpochs);
      if (rows.isEmpty()) {
        fixedEpochs = row.epochsToTarget();
        row = row(e.getKey(), e.getValue(), target, fixedEpochs);
      }
      rows.add(row);
    }
    return rows;
  }

  /**
   * Statistics over the seeds' runs: epochs (and training seconds) until the first epoch whose test accuracy
   * reaches {@code target}, averaged over the seeds that reach it; final accuracy mean and sample standard
   * deviation; mean throughput. Diverged runs count in {@code diverged} and nowhere else.
   */
  static Row row(String label, List<BenchStore.Result> runs, double target, double fixedEpochs) {
    double epochSum = 0;
    double secondSum = 0;
    int reached = 0;
    List<Double> finals = new ArrayList<>();
    double speedSum = 0;
    int speedN = 0;
    int diverged = 0;
    for (BenchStore.Result r : runs) {
      if (!r.completed()) {
        diverged++;
        continue;
      }
      for (BenchStore.Epoch e : r.epochResults) {
        if (e.testAccuracy >= target) {
          epochSum += e.epoch;
          secondSum += e.trainSeconds;
          reached++;
          break;
        }
      }
      finals.add(r.finalAccuracy());
      if (Double.isFinite(r.samplesPerSecond)) {
        speedSum += r.samplesPerSecond;
        speedN++;
      }
    }
    double mean = finals.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double sd = Double.NaN;
    if (finals.size() >= 2) {
      double ss = 0;
      for (double f : finals) {
        ss += (f - mean) * (f - mean);
      }
      sd = Math.sqrt(ss / (finals.size() - 1));
    }
    double epochs = reached == 0 ? Double.NaN : epochSum / reached;
    BenchStore.Result first = runs.isEmpty() ? null : runs.get(0);
    return new Row(label, first == null ? "" : first.kind().text(), first == null ? "" : first.schedule,
        first == null ? 0 : first.epochs, runs.size(), reached, epochs,
        reached == 0 ? Double.NaN : secondSum / reached, fixedEpochs / epochs, mean, sd,
        speedN == 0 ? Double.NaN : speedSum / speedN, diverged, first == null || first.note == null ? "" : first.note);
  }

  /** The header of the markdown summary: data, training settings, machine, and how to read the table. */
  static String header(TrainTest data, int batchSize, List<Long> seeds, int threads, String weightDecay) {
    return String.format(Locale.ROOT, "## clr4j bench: %s (%d train / %d test)%n%n"
        + "SGD momentum 0.9, %s, batch %d; seeds %s; %d thread(s) of %d cores; clr4j %s on DJL's %s "
        + "engine; %s.%n"
        + "Target: the best fixed rate's best test accuracy (mean over seeds). Epochs and seconds to target: first "
        + "epoch reaching it (mean over the seeds that do), training time only. Speed-up: the fixed rate's epochs "
        + "to target ÷ the policy's.%n",
        data.train().name(), data.train().size(), data.test().size(), weightDecay, batchSize, seeds,
        threads, Runtime.getRuntime().availableProcessors(), RunRecord.version(),
        RunRecord.environment().get("engine"), Instant.now().toString().substring(0, 10));
  }

  /** bench.json's summary: per model, the best fixed rate, the target, the range test's bounds and the table. */
  static List<Map<String, Object>> summaries(List<ModelRuns> all) {
    List<Map<String, Object>> summaries = new ArrayList<>();
    for (ModelRuns m : all) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("model", m.model);
      s.put("best_fixed_lr", m.bestLr);
      s.put("target_accuracy", target(m));
      if (m.rangeTest != null) {
        s.put("range_test_bounds", List.of(m.rangeTest.lower, m.rangeTest.upper));
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Row r : rows(m)) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("policy", r.label());
        row.put("framework", r.framework());
        row.put("schedule", r.schedule());
        row.put("epochs", r.epochs());
        row.put("seeds", r.seeds());
        row.put("diverged", r.diverged());
        row.put("seeds_reaching_target", r.reached());
        row.put("epochs_to_target", r.epochsToTarget());
        row.put("seconds_to_target", r.secondsToTarget());
        row.put("speedup_vs_fixed", r.speedup());
        row.put("final_accuracy_mean", r.accuracyMean());
        row.put("final_accuracy_sd", r.accuracySd());
        row.put("samples_per_second", r.samplesPerSecond());
        rows.add(row);
      }
      s.put("rows", rows);
      Row fastest = shortestOnecycle(rows(m));
      s.put("shortest_onecycle_budget_reaching_target", fastest == null ? "not reached" : fastest.epochs());
      String comparison = pytorchComparison(rows(m));
      if (comparison != null) {
        s.put("pytorch_comparison", comparison);
      }
      summaries.add(s);
    }
    return summaries;
  }

  /** The markdown summary of all models, ready to paste into docs/BENCHMARKS.md. */
  static String markdown(List<ModelRuns> models, String header) {
    StringBuilder b = new StringBuilder();
    b.append(header);
    for (ModelRuns m : models) {
      double target = target(m);
      b.append("\n### ").append(m.model);
      if (!Double.isNaN(target)) {
        b.append(String.format(Locale.ROOT, " — target %.2f%% (best fixed rate's best epoch, mean over seeds)",
            100 * target));
      }
      b.append("\n\n");
      if (m.rangeTest != null) {
        b.append("Range test (").append(m.rangeTest.method).append("): bounds ").append(Charts.fmt(m.rangeTest.lower))
            .append(" .. ").append(Charts.fmt(m.rangeTest.upper))
            .append(", used by the cyclic policies and 1cycle.\n\n");
      }
      if (m.weightDecaySearch != null) {
        b.append(String.format(Locale.ROOT, "Weight decay (automatic, %.0f s): %s for the scheduled policies: %s.%n%n",
            m.weightDecaySearch.wallSeconds, Checks.format(m.weightDecay), m.weightDecaySearch.note));
      }
      List<Row> rows = rows(m);
      b.append("| policy | schedule | epochs | epochs to target | seconds to target | speed-up vs fixed | "
          + "final accuracy | samples/s |\n|---|---|--:|--:|--:|--:|--:|--:|\n");
      for (Row r : rows) {
        b.append("| ").append(r.label()).append(" | `").append(r.schedule()).append("` | ").append(r.epochs())
            .append(" | ").append(toTarget(r, r.epochsToTarget(), "%.1f")).append(" | ")
            .append(toTarget(r, r.secondsToTarget(), "%.0f")).append(" | ")
            .append(Double.isFinite(r.speedup()) ? String.format(Locale.ROOT, "%.2f×", r.speedup()) : "—")
            .append(" | ").append(accuracy(r.accuracyMean(), r.accuracySd()))
            .append(r.diverged() > 0 ? " (" + r.diverged() + " diverged)" : "").append(" | ")
            .append(Double.isFinite(r.samplesPerSecond()) ? String.format(Locale.ROOT, "%,.0f", r.samplesPerSecond())
                : "—")
            .append(" |\n");
      }
      String onecycle = onecycleVerdict(rows);
      if (onecycle != null) {
        b.append('\n').append(onecycle).append('\n');
      }
      String comparison = pytorchComparison(rows);
      if (comparison != null) {
        b.append('\n').append(comparison).append('\n');
      }
      String compute = computeTable(m, rows);
      if (compute != null) {
        b.append('\n').append(compute);
      }
      if (!m.grid.isEmpty()) {
        b.append("\nFixed-rate grid (seed ").append(m.grid.get(0).seed).append(", ").append(m.grid.get(0).epochs)
            .append(" epochs):\n\n");
        gridTable(b, m.grid, m.bestLr);
      }
      if (!m.scheduleFreeGrid.isEmpty()) {
        b.append("\nSchedule-Free SGD grid (seed ").append(m.scheduleFreeGrid.get(0).seed).append(", ")
            .append(m.scheduleFreeGrid.get(0).epochs).append(" epochs, ")
            .append(Math.round(100 * BenchPlan.SF_WARMUP))
            .append(" % warm-up; the best final accuracy is its row):\n\n");
        gridTable(b, m.scheduleFreeGrid, m.scheduleFreeBestLr);
      }
    }
    return b.toString();
  }

  /** A grid's table: per rate, the best epoch's accuracy and the final one; {@code bestLr} (nullable) is marked. */
  private static void gridTable(StringBuilder b, List<BenchStore.Result> grid, Double bestLr) {
    b.append("| lr | best accuracy (epoch) | final accuracy |\n|--:|--:|--:|\n");
    for (BenchStore.Result r : grid) {
      int bestEpoch = 0;
      double best = Double.NaN;
      for (BenchStore.Epoch e : r.epochResults) {
        if (Double.isNaN(best) || e.testAccuracy > best) {
          best = e.testAccuracy;
          bestEpoch = e.epoch;
        }
      }
      b.append("| ").append(Charts.fmt(r.lr)).append(bestLr != null && bestLr.equals(r.lr) ? " (best)" : "")
          .append(" | ").append(Double.isNaN(best) ? "—" : String.format(Locale.ROOT, "%.2f%% (%d)", 100 * best,
              bestEpoch))
          .append(" | ").append(r.completed()
              ? String.format(Locale.ROOT, "%.2f%%", 100 * r.finalAccuracy()) : r.status().text()).append(" |\n");
    }
  }

  /**
   * The compute to a tuned model, in wall seconds on this machine: the fixed-rate grid search (every grid run, which
   * is what it takes to know the best rate) against clr4j's automatic recipe (the range test, the weight-decay search
   * when there was one, and one run of the shortest 1cycle budget that reaches the target in every seed, else of the
   * longest budget tried) and Schedule-Free's grid. The last column says in how many seeds each route's model
   * reaches the target: compute to a model that falls short is not compute to the grid's accuracy. Null without a
   * grid or without a 1cycle or Schedule-Free row.
   */
  static String computeTable(ModelRuns m, List<Row> rows) {
    Row onecycle = shortestOnecycle(rows);
    if (onecycle == null) {
      onecycle = rows.stream().filter(BenchReport::isOnecycle)
          .max(java.util.Comparator.comparingInt(Row::epochs)).orElse(null);
    }
    Row sf = rows.stream().filter(r -> !isPyTorch(r) && r.label().startsWith(BenchPolicy.SCHEDULE_FREE.label()))
        .findFirst().orElse(null);
    if (m.grid.isEmpty() || (onecycle == null && (sf == null || m.scheduleFreeGrid.isEmpty()))) {
      return null;
    }
    double gridSeconds = seconds(m.grid);
    int gridEpochs = m.grid.stream().mapToInt(r -> r.epochResults.size()).sum();
    StringBuilder b = new StringBuilder("Compute to a tuned model (wall seconds, this machine):\n\n"
        + "| route | tuning | training | total | grid ÷ route | reaches the target |\n|---|--:|--:|--:|--:|---|\n");
    b.append(String.format(Locale.ROOT,
        "| grid search: %d fixed rate%s, %d epochs in all | — | %.0f s | %.0f s | 1.00× | defines it |%n",
        m.grid.size(), m.grid.size() == 1 ? "" : "s", gridEpochs, gridSeconds, gridSeconds));
    if (onecycle != null) {
      double range = m.rangeTest == null ? 0 : m.rangeTest.wallSeconds;
      double search = m.weightDecaySearch == null ? 0 : m.weightDecaySearch.wallSeconds;
      // The whole 1cycle run: it reaches the target as it anneals, at or near its last epoch.
      double training = m.rows.get(onecycle.label()).stream().filter(BenchStore.Result::completed)
          .mapToDouble(r -> r.trainSeconds).average().orElse(Double.NaN);
      double total = range + search + training;
      b.append(String.format(Locale.ROOT, "| clr4j automatic: range test (%.0f s)%s, then %s (%d epoch%s) | %.0f s | "
          + "%.0f s | %.0f s | %.2f× | %s |%n", range, m.weightDecaySearch == null ? ""
              : String.format(Locale.ROOT, ", weight-decay search (%.0f s)", search), onecycle.label(),
          onecycle.epochs(), onecycle.epochs() == 1 ? "" : "s", range + search, training, total,
          gridSeconds / total, reaches(onecycle)));
    }
    if (sf != null && !m.scheduleFreeGrid.isEmpty()) {
      // Its grid is its tuning; the best rate's run, part of it, is the tuned model.
      double sfSeconds = seconds(m.scheduleFreeGrid);
      b.append(String.format(Locale.ROOT,
          "| Schedule-Free SGD: %d rates × %d epochs | — | %.0f s | %.0f s | %.2f× | %s |%n",
          m.scheduleFreeGrid.size(), sf.epochs(), sfSeconds, sfSeconds, gridSeconds / sfSeconds, reaches(sf)));
    }
    return b.toString();
  }

  /** "every seed (2)", or "1 of 2 seeds" (diverged seeds count as not reaching). */
  private static String reaches(Row r) {
    return r.reached() == r.seeds() ? "every seed (" + r.seeds() + ")"
        : r.reached() + " of " + r.seeds() + " seed" + (r.seeds() == 1 ? "" : "s");
  }

  /** The training seconds of {@code runs} (a diverged run's wall time). */
  private static double seconds(List<BenchStore.Result> runs) {
    return runs.stream().mapToDouble(r -> Double.isFinite(r.trainSeconds) ? r.trainSeconds : r.wallSeconds).sum();
  }

  /** A row of clr4j's 1cycle, at any budget. */
  private static boolean isOnecycle(Row r) {
    return !isPyTorch(r) && r.label().startsWith("1cycle");
  }

  /**
   * clr4j's 1cycle row with the fewest epochs among those whose every completed seed reaches the target; null when
   * none does. 1cycle fixes its length in advance, so this budget is its time to accuracy.
   */
  static Row shortestOnecycle(List<Row> rows) {
    Row best = null;
    for (Row r : rows) {
      boolean onecycle = isOnecycle(r);
      boolean everySeed = r.reached() > 0 && r.reached() == r.seeds() - r.diverged();
      if (onecycle && everySeed && (best == null || r.epochs() < best.epochs())) {
        best = r;
      }
    }
    return best;
  }

  /** One line on the shortest 1cycle budget that reaches the target; null with fewer than two 1cycle rows. */
  static String onecycleVerdict(List<Row> rows) {
    List<Integer> budgets = new ArrayList<>();
    for (Row r : rows) {
      if (isOnecycle(r)) {
        budgets.add(r.epochs());
      }
    }
    if (budgets.size() < 2) {
      return null;
    }
    budgets.sort(null);
    Row best = shortestOnecycle(rows);
    String tried = String.join(", ", budgets.stream().map(String::valueOf).toList());
    if (best == null) {
      return "1cycle budgets tried: " + tried + " epochs; none reached the target in every seed.";
    }
    return String.format(Locale.ROOT, "1cycle budgets tried: %s epochs; the shortest reaching the target in every "
        + "seed: **%d epochs**, %s fewer epochs than the fixed rate.", tried, best.epochs(),
        Double.isFinite(best.speedup()) ? String.format(Locale.ROOT, "%.2f×", best.speedup()) : "—");
  }

  /**
   * clr4j's and PyTorch's 1cycle side by side: accuracy parity when the means differ by at most twice the larger
   * seed standard deviation, and the throughput ratio clr4j / PyTorch. Null when there is no PyTorch row.
   */
  static String pytorchComparison(List<Row> rows) {
    Row clr = null;
    Row pt = null;
    for (Row r : rows) {
      if (isPyTorch(r)) {
        pt = r;
      } else if (r.label().equals("1cycle")) {
        clr = r;
      }
    }
    if (clr == null || pt == null) {
      return null;
    }
    double diff = clr.accuracyMean() - pt.accuracyMean();
    double sd = Math.max(nanToZero(clr.accuracySd()), nanToZero(pt.accuracySd()));
    String parity;
    if (Double.isNaN(clr.accuracySd()) || Double.isNaN(pt.accuracySd())) {
      parity = "parity not judged (one seed: no spread)";
    } else {
      parity = Math.abs(diff) <= 2 * sd ? "parity: yes (within 2 seed SDs)" : "parity: no (more than 2 seed SDs apart)";
    }
    return String.format(Locale.ROOT, "clr4j vs PyTorch (%s), 1cycle, same spec: final accuracy %s vs %s "
        + "(difference %+.2f points; %s); throughput clr4j / PyTorch = %.2f× (%,.0f vs %,.0f samples/s).",
        pt.note(), accuracy(clr.accuracyMean(), clr.accuracySd()), accuracy(pt.accuracyMean(), pt.accuracySd()),
        100 * diff,
        parity, clr.samplesPerSecond() / pt.samplesPerSecond(), clr.samplesPerSecond(), pt.samplesPerSecond());
  }

  /** Whether {@code r} is PyTorch's row; rows carry the stored text of their runs' kind. */
  private static boolean isPyTorch(Row r) {
    return BenchStore.Kind.PYTORCH.text().equals(r.framework());
  }

  private static double nanToZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static String toTarget(Row r, double value, String format) {
    if (Double.isNaN(value)) {
      return "not reached";
    }
    String s = String.format(Locale.ROOT, format, value);
    return r.reached() < r.seeds() - r.diverged() ? s + " (" + r.reached() + "/" + r.seeds() + " seeds)" : s;
  }

  static String accuracy(double mean, double sd) {
    if (Double.isNaN(mean)) {
      return "—";
    }
    return Double.isNaN(sd) ? String.format(Locale.ROOT, "%.2f%%", 100 * mean)
        : String.format(Locale.ROOT, "%.2f%% ± %.2f", 100 * mean, 100 * sd);
  }

  /** summary.csv: one line per table row of every model. */
  static void writeSummaryCsv(List<ModelRuns> models, Path file) throws IOException {
    StringBuilder b = new StringBuilder("model,policy,framework,schedule,epochs,seeds,diverged,seeds_reaching_target,"
        + "target_accuracy,epochs_to_target,seconds_to_target,speedup_vs_fixed,final_accuracy_mean,"
        + "final_accuracy_sd,samples_per_second\n");
    for (ModelRuns m : models) {
      double target = target(m);
      for (Row r : rows(m)) {
        b.append(m.model).append(',').append(r.label()).append(',').append(r.framework()).append(",\"")
            .append(r.schedule()).append("\",").append(r.epochs()).append(',').append(r.seeds()).append(',')
            .append(r.diverged()).append(',').append(r.reached()).append(',').append(num(target)).append(',')
            .append(num(r.epochsToTarget())).append(',').append(num(r.secondsToTarget())).append(',')
            .append(num(r.speedup())).append(',').append(num(r.accuracyMean())).append(',')
            .append(num(r.accuracySd())).append(',').append(num(r.samplesPerSecond())).append('\n');
      }
    }
    Files.writeString(file, b, StandardCharsets.UTF_8);
  }

  /** bench.csv: one line per epoch of every run (grid included). */
  static void writeEpochCsv(List<BenchStore.Result> results, Path file) throws IOException {
    StringBuilder b = new StringBuilder("model,framework,policy,lr,seed,schedule,status,epoch,test_accuracy,test_loss,"
        + "train_loss,train_seconds,samples_per_second\n");
    for (BenchStore.Result r : results) {
      if (r.kind() == BenchStore.Kind.RANGE_TEST || r.kind() == BenchStore.Kind.WEIGHT_DECAY_SEARCH) {
        continue;
      }
      for (BenchStore.Epoch e : r.epochResults) {
        b.append(r.model).append(',').append(r.kind().text()).append(',').append(r.policy().text()).append(',')
            .append(r.lr == null ? "" : num(r.lr)).append(',').append(r.seed).append(",\"").append(r.schedule)
            .append("\",").append(r.status().text()).append(',').append(e.epoch).append(',').append(num(e.testAccuracy))
            .append(',').append(num(e.testLoss)).append(',').append(num(e.trainLoss)).append(',')
            .append(num(e.trainSeconds)).append(',').append(num(e.samplesPerSecond)).append('\n');
      }
    }
    Files.writeString(file, b, StandardCharsets.UTF_8);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  /** Test accuracy against epoch for every row (mean over seeds), and the target as a dashed line. */
  static void plot(ModelRuns m, Path file) throws IOException {
    XYChart chart = Charts.chart("Test accuracy — " + m.model + " (mean over seeds)", "epoch", "test accuracy");
    int colour = 0;
    int maxEpoch = 1;
    double lowest = 1;
    for (Map.Entry<String, List<BenchStore.Result>> e : m.rows.entrySet()) {
      double[][] curve = meanCurve(e.getValue());
      if (curve[0].length == 0) {
        continue;
      }
      XYSeries s = chart.addSeries(e.getKey(), curve[0], curve[1]);
      s.setLineColor(Charts.PALETTE[colour % Charts.PALETTE.length]);
      s.setMarkerColor(Charts.PALETTE[colour % Charts.PALETTE.length]);
      s.setMarker(SeriesMarkers.CIRCLE);
      if (e.getValue().get(0).kind() == BenchStore.Kind.PYTORCH) {
        s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f},
            0f));
      }
      colour++;
      maxEpoch = Math.max(maxEpoch, (int) curve[0][curve[0].length - 1]);
      lowest = Math.min(lowest, curve[1][curve[1].length - 1]);
    }
    double target = target(m);
    if (!Double.isNaN(target)) {
      XYSeries t = chart.addSeries(String.format(Locale.ROOT, "target %.2f%%", 100 * target),
          new double[] {1, maxEpoch}, new double[] {target, target});
      t.setMarker(SeriesMarkers.NONE);
      t.setLineColor(java.awt.Color.GRAY);
      t.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {3f, 3f},
          0f));
    }
    if (chart.getSeriesMap().isEmpty()) {
      return;
    }
    // Every run's last epoch stays in view; the first epochs of a slow start may drop out of it, so that they do
    // not squash the interesting top of the plot.
    chart.getStyler().setYAxisMin(Math.max(0, Math.min(lowest, Double.isNaN(target) ? lowest : target) - 0.02));
    Charts.save(chart, file);
  }

  /** Epochs 1..n and the mean accuracy over the completed runs, n being the shortest of them. */
  static double[][] meanCurve(List<BenchStore.Result> runs) {
    List<BenchStore.Result> ok = runs.stream().filter(BenchStore.Result::completed).toList();
    int n = ok.stream().mapToInt(r -> r.epochResults.size()).min().orElse(0);
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
      double sum = 0;
      for (BenchStore.Result r : ok) {
        sum += r.epochResults.get(i).testAccuracy;
      }
      y[i] = sum / ok.size();
    }
    return new double[][] {x, y};
  }
}
