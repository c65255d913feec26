using Bulwark.Governance.Bias;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Bias;

public sealed class BiasDataReaderTests
{
    private static readonly BiasColumns Gender = new(["gender"], "y", "yhat");

    private static BiasCounts Csv(string text, BiasColumns? columns = null, BiasReadLimits? limits = null) =>
        BiasDataReader.ReadCsv(new StringReader(text), columns ?? Gender, limits);

    [Fact]
    public void Csv_handles_quotes_crlf_and_embedded_breaks()
    {
        var counts = Csv("gender,note,y,yhat\r\n\"F\",\"a, \"\"quoted\"\"\nnote\",1,1\r\nM,x,0,0\r\n");
        var groups = counts.GroupBy([0]);
        Assert.Equal(["F", "M"], groups.Select(g => g.Name));
        Assert.Equal(new ConfusionCounts(1, 0, 0, 0), groups[0].Counts);
    }

    [Fact]
    public void Missing_sensitive_value_goes_to_the_missing_group()
    {
        var groups = Csv("gender,y,yhat\nF,1,1\n,0,1\n  ,0,0\n").GroupBy([0]);
        Assert.Equal(["(missing)", "F"], groups.Select(g => g.Name));
        Assert.Equal(2, groups[0].Counts.N);
    }

    [Fact]
    public void Binary_values_accept_words_and_a_named_positive_class()
    {
        var words = Csv("gender,y,yhat\nF,TRUE,yes\nF,no,0\n").GroupBy([0])[0].Counts;
        Assert.Equal(new ConfusionCounts(1, 0, 0, 1), words);
        var named = Csv("gender,y,yhat\nF,approved,approved\nF,denied,approved\n", Gender with { Positive = "approved" }).GroupBy([0])[0].Counts;
        Assert.Equal(new ConfusionCounts(1, 1, 0, 0), named);
    }

    [Fact]
    public void Non_binary_label_names_the_row_and_column()
    {
        var e = Assert.Throws<BulwarkInputException>(() => Csv("gender,y,yhat\nF,1,1\nM,0.7,1\n"));
        Assert.Contains("row 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
        Assert.Contains("--positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_column_is_a_clear_error()
    {
        var e = Assert.Throws<BulwarkInputException>(() => Csv("sex,y,yhat\nF,1,1\n"));
        Assert.Contains("column 'gender' is not in the CSV header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ragged_rows_and_unclosed_quotes_are_errors_with_row_numbers()
    {
        Assert.Contains("row 2 has 2 fields", Assert.Throws<BulwarkInputException>(() => Csv("gender,y,yhat\nF,1,1\nF,1\n")).Message, StringComparison.Ordinal);
        Assert.Contains("row 1", Assert.Throws<BulwarkInputException>(() => Csv("gender,y,yhat\n\"F,1,1\n")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Row_and_group_limits_are_enforced()
    {
        var e = Assert.Throws<BulwarkInputException>(() => Csv("gender,y,yhat\nF,1,1\nF,1,1\nF,1,1\n", limits: new BiasReadLimits { MaxRows = 2 }));
        Assert.Contains("more than 2 rows", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<BulwarkInputException>(() => Csv("gender,y,yhat\na,1,1\nb,1,1\nc,1,1\n", limits: new BiasReadLimits { MaxGroups = 2 }));
        Assert.Contains("distinct groups", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<BulwarkInputException>(() => Csv("gender,y,yhat\n" + new string('x', 100) + ",1,1\n", limits: new BiasReadLimits { MaxFieldChars = 50 }));
        Assert.Contains("longer than 50", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jsonl_reads_top_level_fields_and_reports_bad_lines()
    {
        var counts = BiasDataReader.ReadJsonl(new StringReader("{\"gender\":\"F\",\"y\":1,\"yhat\":true}\n\n{\"gender\":null,\"y\":\"no\",\"yhat\":false}\n"), Gender);
        Assert.Equal(["(missing)", "F"], counts.GroupBy([0]).Select(g => g.Name));
        var e = Assert.Throws<BulwarkInputException>(() => BiasDataReader.ReadJsonl(new StringReader("{\"gender\":\"F\",\"y\":1,\"yhat\":1}\n{\"gender\":\"F\",\"y\":2,\"yhat\":1}\n"), Gender));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<BulwarkInputException>(() => BiasDataReader.ReadJsonl(new StringReader("{\"gender\":\"F\",\"yhat\":1}\n"), Gender));
        Assert.Contains("field 'y' is missing", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<BulwarkInputException>(() => BiasDataReader.ReadJsonl(new StringReader("{not json\n"), Gender));
        Assert.Contains("line 1: not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_reader_picks_the_format_from_the_extension()
    {
        using var dir = new TempDirectory();
        var columns = new BiasColumns(["gender", "age"], "y", "yhat");
        var csv = BiasDataReader.Read(dir.Write("d.csv", BiasFixtures.Csv), columns);
        var jsonl = BiasDataReader.Read(dir.Write("d.jsonl", BiasFixtures.Jsonl), columns);
        Assert.Equal(20, csv.Rows);
        Assert.Equal(csv.GroupBy([0, 1]), jsonl.GroupBy([0, 1]));
        Assert.Throws<BulwarkInputException>(() => BiasDataReader.Read(dir.Combine("absent.csv"), columns));
    }
}
