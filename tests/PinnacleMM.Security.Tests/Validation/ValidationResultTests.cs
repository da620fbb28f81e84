using PinnacleMM.Security.Validation;

namespace PinnacleMM.Security.Tests.Validation;

[TestClass]
public sealed class ValidationResultTests
{
    [TestMethod]
    public void Default_is_valid()
    {
        Assert.IsTrue(ValidationResult.Valid.IsValid);
        Assert.AreEqual("valid", ValidationResult.Valid.ToString());
        ValidationResult.Valid.ThrowIfInvalid();
    }

    [TestMethod]
    public void Invalid_names_field_and_rule_and_throws_with_them()
    {
        var result = ValidationResult.Invalid("apiKey", "max-length", "apiKey must be at most 64 characters");
        Assert.IsFalse(result.IsValid);
        Assert.AreEqual("apiKey must be at most 64 characters (max-length)", result.ToString());
        var ex = Assert.ThrowsExactly<ArgumentException>(result.ThrowIfInvalid);
        Assert.AreEqual("apiKey", ex.ParamName);
        StringAssert.Contains(ex.Message, "max-length");
    }

    [TestMethod]
    public void A_message_that_does_not_start_with_the_field_is_prefixed_by_it()
    {
        var result = ValidationResult.Invalid("price", "limits", "the minimum of price is above its maximum");
        Assert.AreEqual("price: the minimum of price is above its maximum (limits)", result.ToString());
    }

    [TestMethod]
    public void Invalid_requires_field_rule_and_message()
    {
        Assert.ThrowsExactly<ArgumentException>(() => ValidationResult.Invalid("", "rule", "message"));
        Assert.ThrowsExactly<ArgumentException>(() => ValidationResult.Invalid("field", "", "message"));
        Assert.ThrowsExactly<ArgumentException>(() => ValidationResult.Invalid("field", "rule", ""));
    }
}
