using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AspNetSample.Pages;

public class PrivacyModel : PageModel
{
    public void OnGet()
    {
    }
}

