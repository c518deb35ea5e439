package org.clr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {
  @TempDir Path tmp;

  private Path csv(String name, String text) throws Exception {
    return Files.writeString(tmp.resolve(name), text);
  }

  @Test
  void headerIsDetectedAndStringLabelsAreMappedInSortedOrder() throws Exception {
    Path f = csv("iris.csv", "x1,x2,species\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n7,8,setosa\n");
    CsvDataset.Table t = CsvDataset.read(f, CsvDataset.options());
    assertEquals(List.of("x1", "x2"), t.featureNames());
    assertEquals(List.of("setosa", "versicolor", "virginica"), t.classNames());
    assertArrayEquals(new int[] {2, 0, 1, 0}, t.dataset().labels());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, t.dataset().features());
    assertArrayEquals(new int[] {2}, t.dataset().sampleShape());
    assertEquals(3, t.dataset().numClasses());
    assertEquals("csv:" + f, t.dataset().source());
  }

  @Test
  void withoutHeaderIntegerLabelsAreUsedDirectly() throws Exception {
    Path f = csv("n.csv", "0.5,-1e-3,2\n1.5,2E2,0\n\n2.5,3,1\n");
    CsvDataset.Table t = CsvDataset.read(f, CsvDataset.options());
    assertEquals(List.of("column 1", "column 2"), t.featureNames());
    assertEquals(List.of("0", "1", "2"), t.classNames());
    assertArrayEquals(new int[] {2, 0, 1}, t.dataset().labels());
    assertArrayEquals(new float[] {0.5f, -1e-3f, 1.5f, 200f, 2.5f, 3f}, t.dataset().features());
  }

  @Test
  void labelColumnByNameOrIndexAndOtherDelimitersAndQuotes() throws Exception {
    Path f = csv("s.csv", "\uFEFFkind;\"a\";b\ncat;1;2\ndog;\"3\";4\n");
    CsvDataset.Table byName = CsvDataset.read(f, CsvDataset.options().labelColumn("kind"));
    assertEquals(List.of("a", "b"), byName.featureNames());
    assertEquals(List.of("cat", "dog"), byName.classNames());
    assertArrayEquals(new float[] {1, 2, 3, 4}, byName.dataset().features());
    CsvDataset.Table byIndex = CsvDataset.read(f, CsvDataset.options().labelIndex(0));
    assertArrayEquals(byName.dataset().labels(), byIndex.dataset().labels());

    Path tabs = csv("t.tsv", "1\t2\ta\n3\t4\tb\n");
    assertArrayEquals(new int[] {0, 1}, CsvDataset.read(tabs, CsvDataset.options()).dataset().labels());
  }

  @Test
  void aBadNumberIsReportedWithLineAndColumn() throws Exception {
    Path f = csv("bad.csv", "x1,x2,x3,y\n1,2,3,a\n\n4,5,abc,b\n");
    DatasetException e = assertThrows(DatasetException.class, () -> CsvDataset.read(f, CsvDataset.options()));
    assertEquals("csv:" + f + " line 4: column 'x3' value 'abc' is not a number", e.getMessage());

    Path g = csv("nan.csv", "1,NaN,a\n");
    assertEquals("csv:" + g + " line 1: column 2 value 'NaN' is not a number",
        assertThrows(DatasetException.class, () -> CsvDataset.read(g, CsvDataset.options().header(false)))
            .getMessage());
  }

  @Test
  void aWrongColumnCountIsReportedWithTheLine() throws Exception {
    Path f = csv("cols.csv", "a,b,y\n1,2,p\n3,4,q\n5,q\n");
    DatasetException e = assertThrows(DatasetException.class, () -> CsvDataset.read(f, CsvDataset.options()));
    assertEquals("csv:" + f + " line 4: expected 3 columns but found 2 (delimiter ',')", e.getMessage());
  }

  @Test
  void emptyFilesHeaderOnlyFilesAndOneClassAreRejected() throws Exception {
    Path empty = csv("empty.csv", "\n  \n");
    assertEquals("csv:" + empty + ": the file is empty",
        assertThrows(DatasetException.class, () -> CsvDataset.read(empty, CsvDataset.options())).getMessage());
    Path headerOnly = csv("h.csv", "a,b,y\n");
    assertEquals("csv:" + headerOnly + ": no data rows after the header",
        assertThrows(DatasetException.class, () -> CsvDataset.read(headerOnly, CsvDataset.options()))
            .getMessage());
    Path oneClass = csv("one.csv", "1,2,x\n3,4,x\n");
    String m = assertThrows(DatasetException.class, () -> CsvDataset.read(oneClass, CsvDataset.options()))
        .getMessage();
    assertTrue(m.contains("only one distinct value ('x'); at least 2 classes"), m);
    Path missing = tmp.resolve("missing.csv");
    assertEquals("csv:" + missing + ": file not found",
        assertThrows(DatasetException.class, () -> CsvDataset.read(missing, CsvDataset.options())).getMessage());
  }

  @Test
  void unknownLabelColumnAndEmptyValuesAreReported() throws Exception {
    Path f = csv("l.csv", "a,b,y\n1,,p\n");
    String m = assertThrows(DatasetException.class,
        () -> CsvDataset.read(f, CsvDataset.options().labelColumn("label"))).getMessage();
    assertTrue(m.startsWith("csv:" + f + " line 1: no column named 'label'"), m);
    assertEquals("csv:" + f + " line 2: column 'b' is empty (missing values are not supported)",
        assertThrows(DatasetException.class, () -> CsvDataset.read(f, CsvDataset.options())).getMessage());
    Path q = csv("q.csv", "1,\"2,a\n");
    assertTrue(assertThrows(DatasetException.class, () -> CsvDataset.read(q, CsvDataset.options()))
        .getMessage().startsWith("csv:" + q + " line 1: unterminated quote"));
  }

  @Test
  void splitIsStratifiedSeededAndKeepsFileOrder() throws Exception {
    StringBuilder sb = new StringBuilder("v,label\n");
    for (int i = 0; i < 100; i++) {
      sb.append(i).append(',').append(i % 4 == 0 ? "rare" : "common").append('\n');
    }
    Path f = csv("split.csv", sb.toString());
    CsvDataset.Options o = CsvDataset.options().testFraction(0.2).seed(5);
    TrainTest a = CsvDataset.load(f, o).data();
    TrainTest b = CsvDataset.load(f, o).data();
    assertEquals(80, a.train().size());
    assertEquals(20, a.test().size());
    assertArrayEquals(a.test().features(), b.test().features());
    int rare = 0;
    for (int y : a.test().labels()) {
      rare += y == 1 ? 1 : 0;
    }
    assertEquals(5, rare, "a quarter of the test set is the rare class, as in the file");
    float[] x = a.train().features();
    for (int i = 1; i < x.length; i++) {
      assertTrue(x[i - 1] < x[i], "file order kept");
    }
    TrainTest other = CsvDataset.load(f, CsvDataset.options().testFraction(0.2).seed(6)).data();
    assertFalse(java.util.Arrays.equals(a.test().features(), other.test().features()));
  }

  @Test
  void separateTrainAndTestFilesShareOneLabelMapping() throws Exception {
    Path train = csv("train.csv", "a,y\n1,b\n2,c\n");
    Path test = csv("test.csv", "a,y\n3,a\n4,c\n");
    CsvDataset.Loaded l = CsvDataset.load(train, test, CsvDataset.options());
    assertEquals(List.of("a", "b", "c"), l.classNames());
    assertArrayEquals(new int[] {1, 2}, l.data().train().labels());
    assertArrayEquals(new int[] {0, 2}, l.data().test().labels());
    assertEquals(3, l.data().test().numClasses());
  }

  @Test
  void standardizationUsesTrainingStatistics() throws Exception {
    Path train = csv("tr.csv", "a,c,y\n1,5,p\n3,5,q\n");
    Path test = csv("te.csv", "a,c,y\n5,7,p\n");
    TrainTest tt = CsvDataset.load(train, test, CsvDataset.options().standardize(true)).data();
    assertArrayEquals(new float[] {-1, 0, 1, 0}, tt.train().features());
    // Test uses the train mean 2 and std 1; the constant column keeps std 1.
    assertArrayEquals(new float[] {3, 2}, tt.test().features());
  }

  @Test
  void aDirectoryOrABinaryFileIsNamedAndSaysWhatIsWrong() throws Exception {
    // Issue 11, item 11: "java.io.IOException: Is a directory" without a path, "MalformedInputException".
    Path dir = Files.createDirectory(tmp.resolve("data.csv"));
    DatasetException e = assertThrows(DatasetException.class, () -> CsvDataset.read(dir, CsvDataset.options()));
    assertEquals("csv:" + dir + ": is a directory, not a CSV file", e.getMessage());
    Path binary = tmp.resolve("model.bin");
    Files.write(binary, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, (byte) 0xfe, 10});
    e = assertThrows(DatasetException.class, () -> CsvDataset.read(binary, CsvDataset.options()));
    assertEquals("csv:" + binary + ": cannot read: not UTF-8 text (is it a CSV file?)", e.getMessage());
  }
}
