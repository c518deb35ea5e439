package org.clr4j.data;

import org.clr4j.Checks;

/**
 * Per-feature standardization {@code (x - mean) / std}, fitted on a training set and applied unchanged to any other
 * set (so no test statistics leak into training). A feature that is constant in the training set gets
 * {@code std = 1}, so it maps to 0 instead of dividing by zero.
 */
public final class Standardizer {
  private final double[] mean;
  private final double[] std;

  private Standardizer(double[] mean, double[] std) {
    this.mean = mean;
    this.std = std;
  }

  /** Mean and population standard deviation of every feature of {@code data}. */
  public static Standardizer fit(Dataset data) {
    Checks.notNull("data", data);
    int f = data.featureCount();
    int n = data.size();
    if (n == 0) {
      throw new IllegalArgumentException("data (" + data.name() + ") must have at least 1 sample to fit");
    }
    float[] x = data.features();
    double[] mean = new double[f];
    double[] m2 = new double[f];
    // Welford's update: stable for large values with small spread, where sum of squares would cancel.
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        double v = x[i * f + j];
        double delta = v - mean[j];
        mean[j] += delta / (i + 1);
        m2[j] += delta * (v - mean[j]);
      }
    }
    double[] std = new double[f];
    for (int j = 0; j < f; j++) {
      double s = Math.sqrt(m2[j] / n);
      std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
    }
    return new Standardizer(mean, std);
  }

  /** {@code data} with every feature standardized; name, source, labels and shape are kept. */
  public Dataset apply(Dataset data) {
    Checks.notNull("data", data);
    int f = data.featureCount();
    if (f != mean.length) {
      throw new IllegalArgumentException("data (" + data.name() + ") has " + f + " features, this standardizer "
          + mean.length);
    }
    float[] x = data.features();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int j = i % f;
      out[i] = (float) ((x[i] - mean[j]) / std[j]);
    }
    return new Dataset(data.name(), data.source() + " (standardized)", out, data.labels(), data.sampleShape(),
        data.numClasses());
  }

  /** Fits on the training set and applies to both sets. */
  public static TrainTest standardize(TrainTest data) {
    Checks.notNull("data", data);
    Standardizer s = fit(data.train());
    return new TrainTest(s.apply(data.train()), s.apply(data.test()));
  }

  /** The per-feature means (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** The per-feature standard deviations used (a copy; 1 for constant features). */
  public double[] std() {
    return std.clone();
  }
}
