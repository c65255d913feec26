namespace Bulwark.Samples;

/// <summary>Invented customers for the sample app (see Program.cs for where each kind of value comes from).</summary>
public static class SampleData
{
    public sealed record Customer(string Id, string Name, string Email, string Phone, string Card, string Address, string Notes);

    public static readonly IReadOnlyList<Customer> Customers =
    [
        new("C-1001", "Maria Jensen", "maria.jensen@example.com", "+1 202-555-0143", "4111 1111 1111 1111", "12 Harbor Street, Springfield, IL 62704", "prefers email"),
        new("C-1002", "Daniel Okafor", "d.okafor@example.org", "+1 202-555-0178", "5555 5555 5555 4444", "480 Cedar Avenue, Apt 3B, Portland, OR 97205", "VIP since 2021"),
        new("C-1003", "Sofia Marquez", "sofia.m@example.net", "+1 202-555-0112", "3782 822463 10005", "77 Lakeview Road, Austin, TX 78701", "asked for invoice copies"),
        new("C-1004", "Liam O'Connor", "liam.oconnor@example.com", "+1 202-555-0199", "6011 1111 1111 1117", "9 Elm Court, Boston, MA 02108", "support ticket: pasted AKIARGU89NFY0U9Q2FQI in chat"),
        new("C-1005", "Aiko Tanaka", "aiko.tanaka@example.com", "+1 202-555-0156", "4012 8888 8888 1881", "301 Pine Street, Seattle, WA 98101", "prefers phone"),
        new("C-1006", "Noah Fischer", "noah.fischer@example.de", "+49 30 901820", "4242 4242 4242 4242", "Hauptstrasse 5, 10115 Berlin", "German invoice"),
    ];
}
