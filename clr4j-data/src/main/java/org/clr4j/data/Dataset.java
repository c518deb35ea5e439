package org.clr4j.data;

import java.util.Arrays;
import org.clr4j.Checks;

/**
 * A labelled classification dataset held in memory: {@code size()} samples of {@code featureCount()} floats each,
 * row-major in one array, with integer class labels in {@code [0, numClasses)}. Immutable by convention: the
 * arrays are not copied, so callers must not change them.
 */
public final class Dataset {
  private final String name;
  private final String source;
  private final float[] features;
  private final int[] labels;
  private final int[] sampleShape;
  private final int numClasses;
  private final int featureCount;

  /**
   * @param name what the data is, e.g. {@code fashion-mnist/train}
   * @param source where it was read from (a path, a URL or {@code embedded:...}), for run records
   * @param features row-major samples, {@code labels.length * product(sampleShape)} values
   * @param labels class of each sample, in {@code [0, numClasses)}
   * @param sampleShape shape of one sample, e.g. {@code {1, 28, 28}} for an image or {@code {d}} for a table row
   * @param numClasses number of classes
   */
  public Dataset(String name, String source, float[] features, int[] labels, int[] sampleShape, int numClasses) {
    this.name = Checks.notNull("name", name);
    this.source = Checks.notNull("source", source);
    this.features = Checks.notNull("features", features);
    this.labels = Checks.notNull("labels", labels);
    this.sampleShape = Checks.notNull("sampleShape", sampleShape).clone();
    this.numClasses = Checks.atLeast("numClasses", numClasses, 2);
    int count = 1;
    for (int d : sampleShape) {
      count *= Checks.atLeast("sampleShape dimension", d, 1);
    }
    this.featureCount = count;
    if ((long) labels.length * count != features.length) {
      throw new IllegalArgumentException("features.length (" + features.length + ") must be labels.length ("
          + labels.length + ") * " + count + " (sample shape " + Arrays.toString(sampleShape) + ")");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("labels[" + i + "] (" + labels[i] + ") must be in [0, " + numClasses
            + ")");
      }
    }
  }

  public String name() {
    return name;
  }

  public String source() {
    return source;
  }

  public int size() {
    return labels.length;
  }

  public int featureCount() {
    return featureCount;
  }

  public int[] sampleShape() {
    return sampleShape.clone();
  }

  public int numClasses() {
    return numClasses;
  }

  /** The backing row-major feature array (not a copy). */
  public float[] features() {
    return features;
  }

  /** The backing label array (not a copy). */
  public int[] labels() {
    return labels;
  }

  /**
   * Copies the features of samples {@code order[from] … order[from+count-1]} into {@code dst} (row-major) and
   * their labels into {@code dstLabels}; the gather used to build a mini-batch.
   */
  public void gather(int[] order, int from, int count, float[] dst, int[] dstLabels) {
    for (int i = 0; i < count; i++) {
      int sample = order[from + i];
      System.arraycopy(features, sample * featureCount, dst, i * featureCount, featureCount);
      dstLabels[i] = labels[sample];
    }
  }

  /** The first {@code n} samples (or all, if fewer), sharing nothing with this dataset. */
  public Dataset head(int n) {
    int m = Math.min(n, size());
    return new Dataset(name, source, Arrays.copyOf(features, m * featureCount), Arrays.copyOf(labels, m),
        sampleShape, numClasses);
  }

  /**
   * Samples {@code indices[0]}, {@code indices[1]}, … in that order (repeats allowed), sharing nothing with this
   * dataset; {@code name} names the selection, e.g. {@code fashion-mnist/train (held out)}.
   */
  public Dataset select(int[] indices, String name) {
    Checks.notNull("indices", indices);
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] >= size()) {
        throw new IllegalArgumentException("indices[" + i + "] (" + indices[i] + ") must be in [0, " + size() + ")");
      }
    }
    float[] f = new float[indices.length * featureCount];
    int[] l = new int[indices.length];
    gather(indices, 0, indices.length, f, l);
    return new Dataset(name, source, f, l, sampleShape, numClasses);
  }

  @Override
  public String toString() {
    return name + " (" + size() + " samples of " + Arrays.toString(sampleShape) + ", " + numClasses + " classes, from "
        + source + ")";
  }
}
