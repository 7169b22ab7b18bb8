namespace FlashSale.Common;

/// <summary>
/// A page's query parameter whose bad values the page passes over (a message code, a return address): given more than
/// once, it is read as absent, as a bad value is, instead of refused 400 (<see cref="SingleQueryValues"/>). Joined by
/// the framework ("/a,/b"), a repeated return address read as a good one.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class IgnoredWhenRepeatedAttribute : Attribute;
