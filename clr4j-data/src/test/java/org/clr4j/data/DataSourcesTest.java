package org.clr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
  @TempDir Path tmp;

  @Test
  void unknownValuesListTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSources.parse("mnist"));
    assertEquals("data (mnist) must be one of fashion-mnist, fashion-mnist-small, csv:PATH, "
        + "csv:PATH,TEST_FRACTION, csv:TRAIN_PATH,TEST_PATH", e.getMessage());
  }

  @Test
  void fashionMnistSmallIsTheEmbeddedSubset() {
    TrainTest tt = DataSources.parse("fashion-mnist-small");
    assertEquals(10_000, tt.train().size());
  }

  @Test
  void fashionMnistUsesTheGivenOptions() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    FashionMnist.Options o = FashionMnist.options().dataDir(empty).cacheDir(empty).systemDir(empty)
        .download(false);
    DatasetException e = assertThrows(DatasetException.class, () -> DataSources.parse("fashion-mnist", o));
    assertTrue(e.getMessage().startsWith("Fashion-MNIST not found"), e.getMessage());
  }

  @Test
  void csvFormsSplitTwoFilesAndOptions() throws Exception {
    StringBuilder sb = new StringBuilder("f,g,kind\n");
    for (int i = 0; i < 40; i++) {
      sb.append(i).append(',').append(i * 2).append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
    }
    Path f = Files.writeString(tmp.resolve("d.csv"), sb.toString());
    assertEquals(8, DataSources.parse("csv:" + f).test().size());
    assertEquals(10, DataSources.parse("csv:" + f + ",0.25").test().size());
    TrainTest raw = DataSources.parse("csv:" + f + "?test=0.5&seed=3&standardize=false&label=kind");
    assertEquals(20, raw.test().size());
    assertEquals(0f, Math.min(raw.train().features()[0], raw.test().features()[0]));
    // Default standardization: training features have mean 0.
    TrainTest std = DataSources.parse("csv:" + f);
    double sum = 0;
    for (int i = 0; i < std.train().size(); i++) {
      sum += std.train().features()[2 * i];
    }
    assertEquals(0, sum / std.train().size(), 1e-5);

    Path t = Files.writeString(tmp.resolve("t.csv"), "f,g,kind\n1,2,odd\n");
    TrainTest two = DataSources.parse("csv:" + f + "," + t + "?standardize=false");
    assertEquals(40, two.train().size());
    assertArrayEquals(new int[] {1}, two.test().labels());
  }

  @Test
  void badCsvOptionsAreReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.parse("csv:x.csv?colour=red"));
    assertTrue(e.getMessage().contains("unknown option 'colour'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DataSources.parse("csv:x.csv,1.5"));
    assertTrue(e.getMessage().contains("test fraction (1.5) must be in (0, 1)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DataSources.parse("csv:"));
    assertTrue(e.getMessage().contains("must name a file"), e.getMessage());
  }
}
