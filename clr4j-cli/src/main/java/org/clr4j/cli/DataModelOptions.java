package org.clr4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.clr4j.Checks;
import org.clr4j.data.DataSources;
import org.clr4j.data.TrainTest;
import ai.djl.Device;
import ai.djl.engine.Engine;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.UpdatePath;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.reference.ReferenceModel;
import picocli.CommandLine.Option;

/** The options every training command shares: data, model, optimizer, batch size, seed, threads. */
final class DataModelOptions {
  static final String AUTO = "auto";
  /** More compute threads than this is a typo, and PyTorch would try to start them all. */
  static final int MAX_THREADS = 1024;

  @Option(names = "--data", paramLabel = "SOURCE", defaultValue = "fashion-mnist-small",
      description = "fashion-mnist (full, 60k/10k: --data-dir, ~/.clr4j/datasets, /usr/share/datasets/fashion-mnist, "
          + "then download), fashion-mnist-small (embedded 10k/2k subset, offline) or csv:PATH (see docs/DATA.md). "
          + "Default: ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where to look first for the Fashion-MNIST files.")
  Path dataDir;

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "mlp",
      description = "mlp (784-256-128-10) or cnn (2×conv3×3+BN+pool, FC 128). Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--optimizer", paramLabel = "KIND", defaultValue = "sgd",
      description = "sgd, nesterov, adam, adamw, sf-sgd or sf-adamw (Schedule-Free: a warm-up, then a constant rate"
          + " the range test chooses, or a schedule without momentum such as warmup(steps=500, then=constant(lr=0.5));"
          + " evaluated at its average). Default: ${DEFAULT-VALUE}"
          + " (momentum 0.9, weight decay 5e-4).")
  String optimizer;

  @Option(names = "--momentum", paramLabel = "M",
      description = "Momentum (Adam: beta1) where the schedule sets none. Default: 0.9.")
  Double momentum;

  @Option(names = "--weight-decay", paramLabel = "WD|auto",
      description = "Weight decay, or (train, demo, bench; sgd/nesterov) 'auto': chosen by short 1cycle runs at a few "
          + "values, each scored on held-out training samples (docs/RANGE_TEST.md). Default: 5e-4 for "
          + "sgd/nesterov, 0 for adam, 0.01 for adamw.")
  String weightDecay;

  @Option(names = "--clip", paramLabel = "C", defaultValue = "0",
      description = "Clip each gradient element to [-C, C]; 0 for none. Default: ${DEFAULT-VALUE}.")
  double clip;

  @Option(names = "--update", paramLabel = "PATH", defaultValue = "fused",
      description = "How sgd computes its update: fused (one engine call per parameter) or reference (PyTorch's"
          + " operations one by one: the same bits as clr4j before the fused path; nesterov always runs it)."
          + " The two differ by float rounding. Default: ${DEFAULT-VALUE}.")
  String update;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--device", paramLabel = "DEVICE",
      description = "cpu, gpu or gpu:N (DJL's names). Default: the engine's default device (a GPU when there is one).")
  String device;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seeds initialization and data order. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--threads", paramLabel = "N",
      description = "Compute threads (runs with the same seed and threads give identical results). "
          + "Default: the number of cores.")
  Integer threads;

  /** Validates the options and applies the thread count; must run before the engine is first used. */
  void validate() {
    referenceModel();
    optimizerConfig();
    Checks.atLeast("--batch-size", batchSize, 1);
    if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
      throw new IllegalArgumentException("--threads (" + threads + ") must be in [1, " + MAX_THREADS + "]");
    }
    if (dataDir != null) {
      // Without this check a mistyped directory silently falls back to the cache and the other places.
      if (dataDir.toString().isBlank()) {
        throw new IllegalArgumentException("--data-dir must not be empty");
      }
      if (!Files.isDirectory(dataDir)) {
        throw new IllegalArgumentException("--data-dir (" + dataDir + ") " + (Files.exists(dataDir)
            ? "is not a directory" : "does not exist"));
      }
    }
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    device(); // after the thread settings: this starts the engine
  }

  /** Whether --weight-decay is 'auto'. */
  boolean autoWeightDecay() {
    return AUTO.equals(weightDecay);
  }

  /**
   * Refuses --weight-decay auto for {@code command}, which has no use for it (a range test does not see weight decay:
   * docs/RANGE_TEST.md).
   */
  void refuseAutoWeightDecay(String command) {
    if (autoWeightDecay()) {
      throw new IllegalArgumentException("--weight-decay auto is for train, demo and bench; " + command
          + " needs a number, e.g. 5e-4");
    }
  }

  /**
   * The optimizer the options give; with --weight-decay auto, the optimizer's default weight decay, which the range
   * test and the weight-decay search start from (the search's choice replaces it: {@link
   * OptimizerConfig#withWeightDecay}).
   */
  OptimizerConfig optimizerConfig() {
    OptimizerKind kind;
    try {
      kind = OptimizerKind.fromName(optimizer);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--optimizer (" + optimizer + ") must be one of " + OptimizerKind.names());
    }
    UpdatePath path;
    switch (update == null ? "fused" : update) {
      case "fused":
        path = UpdatePath.FUSED;
        break;
      case "reference":
        path = UpdatePath.REFERENCE;
        break;
      default:
        throw new IllegalArgumentException("--update (" + update + ") must be fused or reference");
    }
    OptimizerConfig d = OptimizerConfig.defaults(kind);
    double wd;
    if (weightDecay == null) {
      wd = d.weightDecay();
    } else if (autoWeightDecay()) {
      if (kind != OptimizerKind.SGD && kind != OptimizerKind.NESTEROV) {
        throw new IllegalArgumentException("--weight-decay auto is measured for sgd and nesterov only, not --optimizer "
            + optimizer + "; give a number");
      }
      wd = d.weightDecay();
    } else {
      try {
        wd = Double.parseDouble(weightDecay);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--weight-decay (" + weightDecay + ") must be a number >= 0 or 'auto'");
      }
    }
    try {
      return new OptimizerConfig(kind, momentum == null ? d.momentum() : momentum, wd, clip, path);
    } catch (IllegalArgumentException e) {
      // The library names its parameters; the user knows the options.
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^momentum\\b", "--momentum")
          .replaceFirst("^weightDecay\\b", "--weight-decay").replaceFirst("^clipGrad\\b", "--clip"), e);
    }
  }

  /**
   * The batch size for {@code data}: --batch-size, but never more than the training samples, so that no batch
   * buffer is larger than the data (--batch-size 2147483647 would otherwise try to allocate gigabytes). Says so
   * on {@code o} when it cuts.
   */
  int batchSize(TrainTest data, PrintWriter o) {
    int n = data.train().size();
    if (batchSize > n) {
      o.println("note: --batch-size " + batchSize + " is more than the " + n + " training samples; using " + n);
      return n;
    }
    return batchSize;
  }

  ReferenceModel referenceModel() {
    try {
      return ReferenceModel.fromName(model);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model (" + model + ") must be one of " + ReferenceModel.names());
    }
  }

  /**
   * The device of {@code --device}, or null for the engine's default. Checked against the devices the engine has,
   * so an absent GPU is a one-line error, not a native failure later.
   */
  Device device() {
    if (device == null) {
      return null;
    }
    Device d;
    try {
      d = Device.fromName(device);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--device (" + device + ") must be cpu, gpu or gpu:N");
    }
    if (d.isGpu()) {
      int gpus = Engine.getEngine("PyTorch").getGpuCount();
      if (d.getDeviceId() >= gpus) {
        throw new IllegalArgumentException("--device (" + device + "): " + (gpus == 0 ? "this machine's PyTorch "
            + "engine sees no GPU (a GPU needs CUDA and DJL's pytorch-native-cu* natives; see README)"
            : "there are " + gpus + " GPU(s), gpu:0 to gpu:" + (gpus - 1)));
      }
    } else if (!"cpu".equals(d.getDeviceType())) {
      throw new IllegalArgumentException("--device (" + device + ") must be cpu, gpu or gpu:N");
    }
    return d;
  }

  TrainTest load() {
    return DataSources.parse(data, dataDir);
  }

  int threads() {
    return Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads"));
  }
}
