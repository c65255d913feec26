using Bulwark.Governance.Drift;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Drift;

public class DriftAnalyzerTests
{
    private static TabularData Csv(string text) => TabularReader.ReadCsv(new StringReader(text));

    [Fact]
    public void Csv_reader_follows_rfc_4180_quoting()
    {
        var table = Csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\nthere\"\r\n1,\n");
        Assert.Equal(["a", "b"], table.Names);
        Assert.Equal(2, table.Rows);
        Assert.Equal(["x, y", "1"], table.Column("a"));
        Assert.Equal(["say \"hi\"\nthere", null], table.Column("b"));
    }

    [Fact]
    public void Csv_reader_rejects_open_quotes_and_long_rows_and_stops_at_the_row_limit()
    {
        Assert.Throws<BulwarkInputException>(() => Csv("a\n\"open\n"));
        Assert.Throws<BulwarkInputException>(() => Csv("a\n1,2\n"));
        var table = TabularReader.ReadCsv(new StringReader("a\n1\n2\n3\n"), new TabularReadOptions { MaxRows = 2 });
        Assert.Equal((2, true), (table.Rows, table.Truncated));
    }

    [Fact]
    public void Jsonl_reader_keeps_top_level_scalars_and_pads_late_keys()
    {
        var table = TabularReader.ReadJsonLines(new StringReader("{\"a\":1,\"nested\":{\"x\":1}}\n\n{\"a\":2.5,\"b\":\"t\",\"c\":null}\n"));
        Assert.Equal(["a", "b", "c"], table.Names);
        Assert.Equal(["1", "2.5"], table.Column("a"));
        Assert.Equal([null, "t"], table.Column("b"));
        Assert.Throws<BulwarkInputException>(() => TabularReader.ReadJsonLines(new StringReader("{\"a\":1}\nnot json\n")));
    }

    [Fact]
    public void Parquet_is_read_column_wise_across_row_groups()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteBytes("t.parquet", Bulwark.Samples.DocumentBuilder.Parquet([("colour", ["red", "blue", "red"]), ("n", ["1", "2", "3"])], rowGroupSize: 2));
        var table = TabularReader.Read(path);
        Assert.Equal(3, table.Rows);
        Assert.Equal(["red", "blue", "red"], table.Column("colour"));
        Assert.Equal(ColumnKind.Numeric, ColumnKinds.Infer("n", table.Column("n")));
        var limited = TabularReader.Read(path, new TabularReadOptions { MaxRows = 1 });
        Assert.Equal((1, true), (limited.Rows, limited.Truncated));
    }

    [Fact]
    public void Missing_files_unknown_formats_and_no_common_columns_are_input_errors()
    {
        using var dir = new TempDirectory();
        Assert.Throws<BulwarkInputException>(() => TabularReader.Read(dir.Combine("none.csv")));
        Assert.Throws<BulwarkInputException>(() => TabularReader.Read(dir.Write("x.txt", "a\n1\n")));
        var e = Assert.Throws<BulwarkInputException>(() => DriftAnalyzer.Compare(Csv("a\n1\n"), Csv("b\n1\n")));
        Assert.Contains("no column in common", e.Message);
        Assert.Throws<BulwarkInputException>(() => DriftAnalyzer.Compare(Csv("a\n1\n"), Csv("a\n1\n"), ["zz"]));
    }

    [Fact]
    public void Kinds_are_inferred_from_values_and_names()
    {
        Assert.Equal(ColumnKind.Numeric, ColumnKinds.Infer("x", ["1", "2.5", "-3e2", null]));
        Assert.Equal(ColumnKind.Categorical, ColumnKinds.Infer("x", ["1", "two"]));
        Assert.Equal(ColumnKind.Text, ColumnKinds.Infer("prompt", ["hi"]));
        Assert.Equal(ColumnKind.Text, ColumnKinds.Infer("x", [new string('a', 41)]));
    }

    [Fact]
    public void Identical_datasets_do_not_drift()
    {
        const string data = "n,c\n1,a\n2,b\n3,a\n4,c\n";
        var report = DriftAnalyzer.Compare(Csv(data), Csv(data));
        Assert.False(report.Drifted);
        Assert.All(report.Columns, c => Assert.False(c.Drifted));
        Assert.All(report.Columns.SelectMany(c => c.Tests), t => Assert.True(t.Statistic == 0 || t.Name == "ks"));
        Assert.Equal(1, report.Columns[0].Tests.Single(t => t.Name == "ks").PValue);
    }

    [Fact]
    public void One_category_on_both_sides_is_no_drift()
    {
        var column = DriftAnalyzer.CompareColumn("c", ["a", "a", "a"], ["a", "a"]);
        Assert.Equal(ColumnKind.Categorical, column.Kind);
        var chi = column.Tests.Single(t => t.Name == "chi_square");
        Assert.Equal((0, 1.0), (chi.Statistic, chi.PValue));
        Assert.False(column.Drifted);
    }

    [Fact]
    public void Empty_and_all_null_columns_are_reported_not_evaluated()
    {
        var emptyCurrent = DriftAnalyzer.CompareColumn("n", ["1", "2"], [null, ""]);
        Assert.False(emptyCurrent.Evaluated);
        Assert.Equal("no values in the current data", emptyCurrent.Note);
        Assert.Empty(emptyCurrent.Tests);
        var allNull = DriftAnalyzer.CompareColumn("n", [null], [null]);
        Assert.Equal("no values in either dataset", allNull.Note);
        // Not evaluated columns do not count: one evaluated, undrifted column → share 0.
        var report = DriftAnalyzer.Compare(Csv("a,b\n1,\n2,\n"), Csv("a,b\n1,\n2,\n"));
        Assert.Equal((1, 0, 0.0, false), (report.EvaluatedColumns, report.DriftedColumns, report.DriftShare, report.Drifted));
    }

    [Fact]
    public void Dataset_drifts_only_when_more_than_half_of_the_columns_drift()
    {
        // Column a moves from 1..5 to 10..14 (KS p = 0.0038), b and c do not: 1 of 3 → no dataset drift.
        var reference = Csv("a,b,c\n1,x,1\n2,y,2\n3,x,3\n4,y,4\n5,x,5\n");
        var current = Csv("a,b,c\n10,x,1\n11,y,2\n12,x,3\n13,y,4\n14,x,5\n");
        var report = DriftAnalyzer.Compare(reference, current);
        Assert.Equal(1, report.DriftedColumns);
        Assert.False(report.Drifted);
        // 2 of 2 when only a and b are asked for and b also moves.
        var moved = Csv("a,b,c\n10,z,1\n11,z,2\n12,z,3\n13,z,4\n14,z,5\n");
        Assert.True(DriftAnalyzer.Compare(reference, moved, ["a", "b"]).Drifted);
    }

    [Fact]
    public void Text_keywords_use_add_one_log_ratios()
    {
        // ref tokens a a b (N_r = 3), cur a b b c (N_c = 4), V = 3:
        // c: ln(2/7) − ln(1/6) = ln(12/7) = 0.538997; b: ln(3/7) − ln(2/6) = ln(9/7) = 0.251314; a: ln(2/7) − ln(3/6) = ln(4/7) = −0.559616.
        var (r, nr) = TextDrift.Tokens(["A a", "b"]);
        var (c, nc) = TextDrift.Tokens(["a, b b", "C"]);
        var (rising, falling) = TextDrift.Keywords(r, nr, c, nc);
        Assert.Equal(["c", "b"], rising.Select(k => k.Token));
        Assert.Equal(0.538997, rising[0].LogRatio, 6);
        Assert.Equal("a", Assert.Single(falling).Token);
        Assert.Equal(-0.559616, falling[0].LogRatio, 6);
    }

    [Fact]
    public void Text_columns_report_vocabulary_scripts_and_keywords()
    {
        var column = DriftAnalyzer.CompareColumn("prompt",
            ["what is the weather", "write a poem", "what is the time"],
            ["привет как дела", "напиши стихи", "what is the weather"]);
        Assert.Equal(ColumnKind.Text, column.Kind);
        Assert.True(column.Drifted);
        Assert.Equal(2.0 / 3, column.Text!.CurrentScripts["Cyrillic"], 12);
        Assert.Equal(1, column.Text.ReferenceScripts["Latin"]);
        Assert.Contains(column.Text.Rising, k => k.Token == "привет");
        Assert.True(column.Text.CurrentOutOfVocabulary > column.Text.ReferenceOutOfVocabulary);
        Assert.Equal("Cyrillic", Scripts.Dominant("привет world"));
        Assert.Equal("none", Scripts.Dominant("123 !!"));
    }
}
