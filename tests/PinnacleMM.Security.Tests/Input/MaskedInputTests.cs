using System.Text;
using PinnacleMM.Security.Input;

namespace PinnacleMM.Security.Tests.Input;

[TestClass]
public sealed class MaskedInputTests
{
    private static ConsoleKeyInfo Key(char c) => new(c, ConsoleKey.A, false, false, false);

    private static ConsoleKeyInfo Special(ConsoleKey key, char c = '\0', bool control = false) => new(c, key, false, false, control);

    [TestMethod]
    public void Typing_shows_one_star_per_character_and_backspace_erases()
    {
        var console = new FakeConsole([Key('a'), Key('b'), Key('c'), Special(ConsoleKey.Backspace, '\b'), Key('d'), Special(ConsoleKey.Enter, '\r')]);
        var password = MaskedInput.ReadPassword("Password: ", console);
        CollectionAssert.AreEqual("abd".ToCharArray(), password);
        Assert.AreEqual("Password: ***\b \b*" + Environment.NewLine, console.Output.ToString());
        Assert.IsFalse(console.TreatControlCAsInput, "restored");
        Assert.IsTrue(console.TreatControlCAsInputWasSetWhileReading);
    }

    [TestMethod]
    public void Backspace_on_empty_input_writes_nothing_and_control_keys_are_ignored()
    {
        var console = new FakeConsole([Special(ConsoleKey.Backspace, '\b'), Special(ConsoleKey.Tab, '\t'), Key('x'), Special(ConsoleKey.Enter, '\r')]);
        CollectionAssert.AreEqual(new[] { 'x' }, MaskedInput.ReadPassword("> ", console));
        Assert.AreEqual("> *" + Environment.NewLine, console.Output.ToString());
    }

    [TestMethod]
    [DataRow(ConsoleKey.C, '\u0003', true)]
    [DataRow(ConsoleKey.Escape, '\u001b', false)]
    public void Ctrl_c_or_escape_aborts_cleanly(ConsoleKey key, char c, bool control)
    {
        var console = new FakeConsole([Key('s'), Key('e'), Special(key, c, control), Key('x')]) { TreatControlCAsInput = false };
        var ex = Assert.ThrowsExactly<OperationCanceledException>(() => MaskedInput.ReadPassword("Password: ", console));
        Assert.AreEqual("password entry was cancelled", ex.Message);
        Assert.IsFalse(console.TreatControlCAsInput, "restored after the abort");
        Assert.AreEqual("Password: **" + Environment.NewLine, console.Output.ToString());
        Assert.AreEqual(1, console.RemainingKeys, "stops reading at the abort");
    }

    [TestMethod]
    public void Input_beyond_the_maximum_length_is_ignored()
    {
        var keys = Enumerable.Repeat(Key('k'), 10).Append(Special(ConsoleKey.Enter, '\r')).ToArray();
        var console = new FakeConsole(keys);
        Assert.AreEqual(4, MaskedInput.ReadPassword("", console, maxLength: 4).Length);
        Assert.AreEqual("****" + Environment.NewLine, console.Output.ToString());
    }

    [TestMethod]
    public void Long_passwords_grow_the_buffer()
    {
        var text = new string('p', 700);
        var console = new FakeConsole([.. text.Select(Key), Special(ConsoleKey.Enter, '\r')]);
        Assert.AreEqual(text, new string(MaskedInput.ReadPassword("", console)));
    }

    [TestMethod]
    [DataRow("secret\nnext line", "secret")]
    [DataRow("secret\r\n", "secret")]
    [DataRow("no-newline", "no-newline")]
    [DataRow("\n", "")]
    public void Redirected_input_reads_one_line_without_prompt_or_mask(string input, string expected)
    {
        var console = new FakeConsole([]) { Redirected = new StringReader(input) };
        Assert.AreEqual(expected, new string(MaskedInput.ReadPassword("Password: ", console)));
        Assert.AreEqual("", console.Output.ToString());
    }

    [TestMethod]
    public void Redirected_input_at_end_of_stream_is_an_error()
    {
        var console = new FakeConsole([]) { Redirected = new StringReader("") };
        var ex = Assert.ThrowsExactly<EndOfStreamException>(() => MaskedInput.ReadPassword("Password: ", console));
        StringAssert.Contains(ex.Message, "ended before a password");
    }

    private sealed class FakeConsole(IEnumerable<ConsoleKeyInfo> keys) : IConsoleIO
    {
        private readonly Queue<ConsoleKeyInfo> _keys = new(keys);

        public StringBuilder Output { get; } = new();

        public TextReader? Redirected { get; init; }

        public int RemainingKeys => _keys.Count;

        public bool TreatControlCAsInputWasSetWhileReading { get; private set; }

        public bool IsInputRedirected => Redirected is not null;

        public bool TreatControlCAsInput { get; set; }

        public TextReader In => Redirected ?? throw new InvalidOperationException("not redirected");

        public ConsoleKeyInfo ReadKey()
        {
            TreatControlCAsInputWasSetWhileReading |= TreatControlCAsInput;
            return _keys.Dequeue();
        }

        public void Write(string text) => Output.Append(text);
    }
}
