Console.WriteLine("FlashSale drill: not yet implemented");
return 2;
