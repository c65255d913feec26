using System.Globalization;
using System.Net;
using System.Text;

namespace Bulwark.Governance.Assessment;

/// <summary>
/// A radar (spider) chart as inline SVG: one axis per value, rings at 25/50/75/100, the scores as a filled polygon.
/// No script, so it renders wherever the report is opened, printed or screenshotted.
/// </summary>
public static class RadarChart
{
    /// <summary>The polygon's stroke colour (a report test looks for it in a screenshot).</summary>
    public const string StrokeColour = "#2563eb";

    private const double Width = 560, Height = 480, CentreX = Width / 2, CentreY = Height / 2, Radius = 150;

    public static string Svg(IReadOnlyList<(string Label, double Score)> axes, string id)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"Radar chart of the scores\">");
        foreach (var ring in new[] { 25.0, 50, 75, 100 })
            svg.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{Points(axes.Select(_ => ring).ToList())}\" fill=\"none\" stroke=\"#d1d5db\" stroke-width=\"1\"/>");
        for (var i = 0; i < axes.Count; i++)
        {
            var (x, y) = At(i, axes.Count, 100);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{CentreX:0.#}\" y1=\"{CentreY:0.#}\" x2=\"{x:0.#}\" y2=\"{y:0.#}\" stroke=\"#d1d5db\" stroke-width=\"1\"/>");
        }
        var scores = axes.Select(a => Math.Clamp(a.Score, 0, 100)).ToList();
        svg.Append(CultureInfo.InvariantCulture, $"<polygon class=\"scores\" points=\"{Points(scores)}\" fill=\"{StrokeColour}\" fill-opacity=\"0.22\" stroke=\"{StrokeColour}\" stroke-width=\"4\" stroke-linejoin=\"round\"/>");
        for (var i = 0; i < axes.Count; i++)
        {
            var (px, py) = At(i, axes.Count, scores[i]);
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{px:0.#}\" cy=\"{py:0.#}\" r=\"5\" fill=\"{StrokeColour}\"/>");
            var (lx, ly) = At(i, axes.Count, 116);
            var anchor = Math.Abs(lx - CentreX) < 1 ? "middle" : lx > CentreX ? "start" : "end";
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{lx:0.#}\" y=\"{ly:0.#}\" text-anchor=\"{anchor}\" font-size=\"14\" font-weight=\"600\" fill=\"#111827\">{WebUtility.HtmlEncode(axes[i].Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx:0.#}\" y=\"{ly + 17:0.#}\" text-anchor=\"{anchor}\" font-size=\"13\" fill=\"#4b5563\">{axes[i].Score:0}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Points(List<double> values) =>
        string.Join(' ', values.Select((v, i) => At(i, values.Count, v)).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}")));

    /// <summary>Axis <paramref name="index"/> of <paramref name="count"/> starts at twelve o'clock and goes clockwise.</summary>
    private static (double X, double Y) At(int index, int count, double value)
    {
        var angle = -Math.PI / 2 + 2 * Math.PI * index / count;
        var r = Radius * value / 100;
        return (CentreX + r * Math.Cos(angle), CentreY + r * Math.Sin(angle));
    }
}
